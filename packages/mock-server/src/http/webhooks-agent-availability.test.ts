import {
  EVENT_ID_HEADER,
  PAYLOAD_VERSION_HEADER,
  parseWebhook,
  RETRY_COUNT_HEADER,
  SIGNATURE_HEADER,
  verifySignature,
} from '@freshchat-sandbox/webhook-types';
import { describe, expect, it, vi } from 'vitest';
import { IDS, iso, patchAgent, setAsAgent, T0 } from '../testing/sandbox-harness.js';
import { account, type Delivery, now, sandboxWithEndpoints, text, UUID } from '../testing/webhook-endpoints.js';

describe('the agent_availability webhook', () => {
  it('is sent once, signed, for a PATCH through the API, with the admin as the actor and the clock time of the change', async () => {
    const sandbox = sandboxWithEndpoints();
    const hook = await sandbox.subscribe('http://receiver.test/hook');
    const { admin_id, app_id } = await account(sandbox);
    await sandbox.advance(7);
    const changedAt = await now(sandbox);

    await patchAgent(sandbox, IDS.john, { agent_status: { id: IDS.meeting } });
    await sandbox.settle();

    expect(hook.deliveries).toHaveLength(1);
    const [delivery] = hook.deliveries as [Delivery];
    expect(delivery.method).toBe('POST');
    expect(delivery.headers.get('content-type')).toBe('application/json');
    expect(delivery.headers.get(PAYLOAD_VERSION_HEADER)).toBe('1');
    expect(delivery.headers.get(RETRY_COUNT_HEADER)).toBe('0');
    expect(delivery.headers.get(EVENT_ID_HEADER)).toMatch(UUID);
    expect(delivery.headers.get(SIGNATURE_HEADER)).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(changedAt).toBe(iso(T0 + 7000));
    const expected = {
      actor: { actor_type: 'admin', actor_id: admin_id },
      action: 'agent_availability',
      action_time: changedAt,
      data: {
        agent_availability: {
          status: 'UNAVAILABLE',
          routing_type: 'INTELLIASSIGN',
          app_id,
          agent_id: IDS.john,
          metadata: { agent_status: { id: IDS.meeting, name: 'Meeting' } },
        },
      },
    };
    expect(JSON.parse(text(delivery.body))).toEqual(expected);
    expect(delivery.received).toEqual({
      ok: true,
      event: expected,
      eventId: delivery.headers.get(EVENT_ID_HEADER),
      retryCount: 0,
      payloadVersion: '1',
    });

    const log = await sandbox.deliveries();
    expect(log).toEqual([
      {
        id: expect.stringMatching(UUID),
        event_id: delivery.headers.get(EVENT_ID_HEADER),
        subscription_id: hook.id,
        url: 'http://receiver.test/hook',
        action: 'agent_availability',
        retry_count: 0,
        attempted_at: changedAt,
        outcome: 'delivered',
        response_status: 200,
        duration_ms: expect.any(Number),
        request_headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Freshchat-Sandbox-Webhook/1',
          'X-Freshchat-Signature': delivery.headers.get(SIGNATURE_HEADER),
          'X-Freshchat-Payload-Version': '1',
          'X-Retry-Count': '0',
          'X-Sandbox-Event-Id': delivery.headers.get(EVENT_ID_HEADER),
        },
        body: text(delivery.body),
      },
    ]);
  });

  it('gives a DISABLED agent routing_type DISABLED, as GET /v2/agents/{id} reads it', async () => {
    const sandbox = sandboxWithEndpoints();
    const hook = await sandbox.subscribe('http://receiver.test/hook');
    const created = await sandbox.control.POST('/_mock/agents', {
      body: { first_name: 'Off', last_name: 'Route', routing_type: 'DISABLED' },
    });
    const agentId = created.data?.id ?? '';

    await patchAgent(sandbox, agentId, { agent_status: { id: IDS.meeting } });
    await sandbox.settle();

    const read = await sandbox.freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: agentId } } });
    const [delivery] = hook.deliveries as [Delivery];
    const event = JSON.parse(text(delivery.body)) as { data: { agent_availability: { routing_type: string } } };
    expect(read.data?.routing_type).toBe('DISABLED');
    expect(event.data.agent_availability.routing_type).toBe('DISABLED');
    expect(parseWebhook(text(delivery.body))).toMatchObject({ ok: true });
  });

  it('is sent for a change made as the agent (POST /_mock/agents/{id}/status), naming the agent as the actor', async () => {
    const sandbox = sandboxWithEndpoints();
    const hook = await sandbox.subscribe('http://receiver.test/hook');
    const { app_id } = await account(sandbox);

    await sandbox.advance(30);
    await setAsAgent(sandbox, IDS.matt, { agent_status: { id: IDS.teaBreak } });
    await sandbox.advance(90);
    await setAsAgent(sandbox, IDS.matt, { availability_status: 'AVAILABLE' });
    await sandbox.settle();

    expect(hook.deliveries).toHaveLength(2);
    // Up to four attempts per subscription are under way at once, so events may arrive out of order, as webhooks
    // do; by the time they were made, they are these.
    const byTime = hook.accepted.map((r) => r.event).sort((a, b) => a.action_time.localeCompare(b.action_time));
    expect(byTime).toEqual([
      {
        actor: { actor_type: 'agent', actor_id: IDS.matt },
        action: 'agent_availability',
        action_time: iso(T0 + 30_000),
        data: {
          agent_availability: {
            status: 'UNAVAILABLE',
            routing_type: 'INTELLIASSIGN',
            app_id,
            agent_id: IDS.matt,
            metadata: { agent_status: { id: IDS.teaBreak, name: 'Tea break' } },
          },
        },
      },
      {
        actor: { actor_type: 'agent', actor_id: IDS.matt },
        action: 'agent_availability',
        action_time: iso(T0 + 120_000),
        data: {
          agent_availability: {
            status: 'AVAILABLE',
            routing_type: 'INTELLIASSIGN',
            app_id,
            agent_id: IDS.matt,
            metadata: { agent_status: { id: IDS.active, name: 'Active on IntelliAssign' } },
          },
        },
      },
    ]);
    const eventIds = hook.deliveries.map((d) => d.headers.get(EVENT_ID_HEADER));
    expect(new Set(eventIds).size).toBe(2);
    expect(hook.deliveries.map((d) => d.headers.get(RETRY_COUNT_HEADER))).toEqual(['0', '0']);
    for (const d of hook.deliveries) {
      expect(await verifySignature(d.body, d.headers.get(SIGNATURE_HEADER), hook.publicKey)).toBe(true);
    }
  });

  it('is not sent when a PATCH or an agent sets the status the agent already has', async () => {
    const sandbox = sandboxWithEndpoints();
    const hook = await sandbox.subscribe('http://receiver.test/hook');

    await patchAgent(sandbox, IDS.john, { availability_status: 'AVAILABLE' });
    await patchAgent(sandbox, IDS.john, { agent_status: { id: IDS.active } });
    await setAsAgent(sandbox, IDS.matt, { agent_status: { id: IDS.active } });
    await sandbox.settle();
    expect(hook.deliveries).toEqual([]);

    // One real change, then the same status again: one delivery, not two.
    await patchAgent(sandbox, IDS.john, { agent_status: { id: IDS.lunch } });
    await patchAgent(sandbox, IDS.john, { agent_status: { id: IDS.lunch } });
    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();
    expect(hook.deliveries).toHaveLength(1);
    expect(await sandbox.deliveries()).toHaveLength(1);
  });

  it('never holds up the API answer: the PATCH resolves while the receiver is still working on its 2 s answer', async () => {
    const sandbox = sandboxWithEndpoints();
    let release = () => {};
    const slow = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      release = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    const hook = await sandbox.subscribe('http://slow.test/hook', [{ status: 200, after: slow }]);

    const patched = await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });

    expect(patched.data).toEqual({
      availability_status: 'UNAVAILABLE',
      agent_status: { id: IDS.unavailable, name: 'Unavailable' },
    });
    // The attempt starts after the answer, on a later turn of the event loop; the receiver has not answered yet.
    await vi.waitFor(() => expect(hook.attempts).toBe(1), { timeout: 10_000 });
    expect(hook.deliveries.some((d) => d.answered)).toBe(false);
    expect(await sandbox.deliveries()).toEqual([]);
    await vi.waitFor(() => expect(hook.deliveries).toHaveLength(1), { timeout: 10_000 });
    expect(hook.deliveries[0]?.answered).toBe(false);

    release();
    await sandbox.settle();
    expect(hook.deliveries[0]?.answered).toBe(true);
    expect((await sandbox.deliveries()).map((d) => d.outcome)).toEqual(['delivered']);
  });
});
