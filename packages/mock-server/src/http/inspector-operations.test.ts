import { describe, expect, it } from 'vitest';
import { JOURNAL_BODY_CHARS } from '../domain/accounts/request-journal.js';
import { auth, IDS, iso, openSandbox, patchAgent, T0 } from '../testing/sandbox-harness.js';

const MEETING = { id: IDS.meeting };
const UNKNOWN = '99999999-9999-4999-8999-999999999999';

/** A receiver that fails while `down` is set, counting what it received. */
function flakyReceiver() {
  const receiver = { down: true, received: [] as { retry: string | null; body: string }[] };
  const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    receiver.received.push({
      retry: headers.get('X-Retry-Count'),
      body: new TextDecoder().decode(init?.body as Uint8Array),
    });
    return new Response(null, { status: receiver.down ? 500 : 204 });
  };
  return { receiver, fetch: fetch as typeof globalThis.fetch };
}

describe('the journal keeps bodies', () => {
  it('keeps the request and response JSON of a PATCH, and clips long bodies', async () => {
    const sandbox = openSandbox();
    await patchAgent(sandbox, IDS.john, { agent_status: MEETING });
    const long = 'x'.repeat(JOURNAL_BODY_CHARS * 2);
    await sandbox.control.POST('/_mock/statuses', { body: { name: long } });
    const { data } = await sandbox.control.GET('/_mock/requests');
    const [patch, create] = (data?.requests ?? []).slice(-3);
    expect(patch).toMatchObject({
      method: 'PATCH',
      status: 200,
      request_body: JSON.stringify({ agent_status: MEETING }),
      response_body: JSON.stringify({
        availability_status: 'UNAVAILABLE',
        agent_status: { id: IDS.meeting, name: 'Meeting' },
      }),
    });
    expect(create?.status).toBe(400);
    expect(create?.request_body).toHaveLength(JOURNAL_BODY_CHARS);
    expect(create?.request_body?.endsWith('…')).toBe(true);
    expect(JSON.parse(create?.response_body ?? '{}')).toMatchObject({ code: 400, status: 'INVALID_VALUE' });
  });
});

describe('POST /_mock/webhooks/deliveries/{id}/resend', () => {
  it('sends the same signed event again with the next X-Retry-Count, and schedules no retries of its own', async () => {
    const { receiver, fetch } = flakyReceiver();
    const sandbox = openSandbox({ webhooks: { fetch } });
    await sandbox.control.POST('/_mock/webhooks', { body: { url: 'http://127.0.0.1:9/hook' } });
    await patchAgent(sandbox, IDS.john, { agent_status: MEETING });
    await sandbox.mock.webhooks.idle();
    const first = (await sandbox.control.GET('/_mock/webhooks/deliveries')).data?.deliveries[0];
    expect(first).toMatchObject({
      outcome: 'failed',
      response_status: 500,
      retry_count: 0,
      next_attempt_at: iso(T0 + 60_000),
    });
    expect(first?.request_headers?.['X-Retry-Count']).toBe('0');
    expect(first?.body).toBe(receiver.received[0]?.body);

    receiver.down = false;
    const resent = await sandbox.control.POST('/_mock/webhooks/deliveries/{delivery_id}/resend', {
      params: { path: { delivery_id: first?.id as string } },
    });
    expect(resent.response.status).toBe(202);
    expect(resent.data).toMatchObject({ event_id: first?.event_id, subscription_id: first?.subscription_id });
    await sandbox.mock.webhooks.idle();
    const deliveries = (await sandbox.control.GET('/_mock/webhooks/deliveries')).data?.deliveries ?? [];
    expect(deliveries).toHaveLength(2);
    expect(deliveries[1]).toMatchObject({
      id: resent.data?.delivery_id,
      outcome: 'delivered',
      retry_count: 1,
      resend: true,
      body: first?.body,
    });
    expect(deliveries[1]?.next_attempt_at).toBeUndefined();
    expect(receiver.received.map((r) => r.retry)).toEqual(['0', '1']);
  });

  it('answers 404 for an unknown attempt and 409 once the subscription is gone', async () => {
    const { fetch } = flakyReceiver();
    const sandbox = openSandbox({ webhooks: { fetch } });
    const unknown = await sandbox.raw(`/_mock/webhooks/deliveries/${UNKNOWN}/resend`, {
      method: 'POST',
      headers: auth(),
    });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).message).toMatch(/^delivery_id: /);

    const { data: sub } = await sandbox.control.POST('/_mock/webhooks', { body: { url: 'http://127.0.0.1:9/hook' } });
    await patchAgent(sandbox, IDS.john, { agent_status: MEETING });
    await sandbox.mock.webhooks.idle();
    const id = (await sandbox.control.GET('/_mock/webhooks/deliveries')).data?.deliveries[0]?.id as string;
    await sandbox.control.DELETE('/_mock/webhooks/{subscription_id}', {
      params: { path: { subscription_id: sub?.id as string } },
    });
    const gone = await sandbox.raw(`/_mock/webhooks/deliveries/${id}/resend`, { method: 'POST', headers: auth() });
    expect(gone.status).toBe(409);
  });
});

describe('GET /_mock/reports', () => {
  it('lists the jobs with their status on the clock, and links once completed', async () => {
    const sandbox = openSandbox({ reportDelaySeconds: 30 });
    const { data: job } = await sandbox.freshchat.POST('/reports/raw', {
      body: { start: iso(T0 - 3_600_000), end: iso(T0), event: 'Agent-IntelliAssign-Activity', format: 'csv' },
    });
    const pending = (await sandbox.control.GET('/_mock/reports')).data?.reports;
    expect(pending).toEqual([
      {
        id: job?.id,
        event: 'Agent-IntelliAssign-Activity',
        status: 'PENDING',
        start: iso(T0 - 3_600_000),
        end: iso(T0),
        requested_at: iso(T0),
        completes_at: iso(T0 + 30_000),
        interval: expect.any(String),
        links: [],
      },
    ]);
    await sandbox.advance(30);
    const [done] = (await sandbox.control.GET('/_mock/reports')).data?.reports ?? [];
    expect(done?.status).toBe('COMPLETED');
    expect(done?.links).toHaveLength(1);
    const href = done?.links[0]?.link?.href ?? '';
    const download = await sandbox.raw(href.replace('http://sandbox.local', ''));
    expect(download.status).toBe(200);
  });
});

describe('GET /_mock/inspector/events', () => {
  it('streams a snapshot of the account at once, and needs the token', async () => {
    const sandbox = openSandbox();
    expect((await sandbox.raw('/_mock/inspector/events')).status).toBe(401);
    const response = await sandbox.raw('/_mock/inspector/events', { headers: auth() });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const { value } = await reader.read();
    await reader.cancel();
    const text = new TextDecoder().decode(value);
    expect(text.startsWith('event: snapshot\ndata: ')).toBe(true);
    const snapshot = JSON.parse(text.slice('event: snapshot\ndata: '.length));
    expect(snapshot.clock).toEqual({ now: iso(T0), frozen: true });
    expect(snapshot.agents.map((a: { id: string }) => a.id)).toContain(IDS.john);
    expect(Object.keys(snapshot).sort()).toEqual(
      ['agents', 'clock', 'deliveries', 'faults', 'reports', 'requests', 'subscriptions'].sort(),
    );
  });
});
