import type { ControlComponents } from '@freshchat-sandbox/client';
import {
  EVENT_ID_HEADER,
  PAYLOAD_VERSION_HEADER,
  parseWebhook,
  RETRY_COUNT_HEADER,
  type ReceivedWebhook,
  receiveWebhook,
  SIGNATURE_HEADER,
  verifySignature,
} from '@freshchat-sandbox/webhook-types';
import { describe, expect, it, vi } from 'vitest';
import type { MockServerOptions } from '../mock-server.js';
import { IDS, iso, openSandbox, patchAgent, setAsAgent, T0, type TestSandbox } from '../testing/sandbox-harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MINUTE = 60_000;

const RETRY_MINUTES = [1, 5, 30, 120, 360];

/**
 * How an endpoint answers one delivery: a status; `refuse` (the connection is refused); `hang` (never answers, so
 * only the sender's timeout ends the attempt); or a status sent once `after` settles.
 */
type Answer = number | 'refuse' | 'hang' | { status: number; after: Promise<unknown> };

/** One delivery as an endpoint saw it, and what `receiveWebhook` made of it. */
type Delivery = {
  url: string;
  method: string;
  headers: Headers;
  body: Uint8Array<ArrayBuffer>;
  received: ReceivedWebhook;
  answered: boolean;
};

/**
 * A subscriber's endpoint, plugged in as the dispatcher's fetch. It does what a real receiver does —
 * `receiveWebhook` with the account's public key, 401/400 for a rejected delivery — then answers as scripted (the
 * last answer repeats).
 */
class Endpoint {
  readonly deliveries: Delivery[] = [];
  /** Every attempt that reached the endpoint, refused ones included; counted as soon as it arrives. */
  attempts = 0;
  publicKey = '';

  constructor(
    readonly url: string,
    private readonly answers: Answer[],
  ) {}

  /** The events that were accepted (verified, parsed, answered 2xx), with their event ids. */
  get accepted(): Extract<ReceivedWebhook, { ok: true }>[] {
    return this.deliveries.flatMap((d) => (d.received.ok && d.answered ? [d.received] : []));
  }

  async handle(request: Request, signal: AbortSignal | undefined): Promise<Response> {
    const answer = this.answers[Math.min(this.attempts++, this.answers.length - 1)] ?? 200;
    if (answer === 'refuse') throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    const body = new Uint8Array(await request.clone().arrayBuffer());
    const delivery: Delivery = {
      url: request.url,
      method: request.method,
      headers: request.headers,
      body,
      received: await receiveWebhook(request, { publicKey: this.publicKey }),
      answered: false,
    };
    this.deliveries.push(delivery);
    if (!delivery.received.ok) {
      delivery.answered = true;
      return new Response(delivery.received.rejection.message, { status: delivery.received.rejection.status });
    }
    if (answer === 'hang') {
      return new Promise((_, reject) => {
        if (signal?.aborted) reject(signal.reason);
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
    if (typeof answer === 'object') await answer.after;
    const status = typeof answer === 'number' ? answer : answer.status;
    delivery.answered = status >= 200 && status < 300;
    return new Response(null, { status });
  }
}

type Sandbox = TestSandbox & {
  /** Subscribes an endpoint at `url` that answers `answers` in turn, through `control` (the default account's). */
  subscribe(url: string, answers?: Answer[], control?: TestSandbox['control']): Promise<Endpoint & { id: string }>;
  /** Every attempt in the account's delivery log. */
  deliveries(control?: TestSandbox['control']): Promise<DeliveryLog>;
  /** Lets deliveries under way finish. */
  settle(): Promise<void>;
};

/** The delivery log, as `GET /_mock/webhooks/deliveries` lists it. */
type DeliveryLog = ControlComponents['schemas']['WebhookDelivery'][];

/** A fresh sandbox whose webhooks go to in-process endpoints, on a frozen clock at T0. */
function sandboxWithEndpoints(webhooks: Omit<NonNullable<MockServerOptions['webhooks']>, 'fetch'> = {}): Sandbox {
  const endpoints = new Map<string, Endpoint>();
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const endpoint = endpoints.get(request.url);
    if (!endpoint) throw new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } });
    return endpoint.handle(request, init?.signal ?? undefined);
  };
  const sandbox = openSandbox({ webhooks: { ...webhooks, fetch: fetch as typeof globalThis.fetch } });
  return {
    ...sandbox,
    async subscribe(url, answers = [200], control = sandbox.control) {
      const created = await control.POST('/_mock/webhooks', { body: { url } });
      expect(created.response.status).toBe(201);
      const key = await control.GET('/_mock/webhooks/public-key', { parseAs: 'text' });
      expect(key.response.headers.get('content-type')).toMatch(/^application\/x-pem-file/);
      const endpoint = new Endpoint(url, answers);
      endpoint.publicKey = key.data ?? '';
      endpoints.set(url, endpoint);
      return Object.assign(endpoint, { id: created.data?.id ?? '' });
    },
    async deliveries(control = sandbox.control) {
      const { data, response } = await control.GET('/_mock/webhooks/deliveries');
      expect(response.status).toBe(200);
      return data?.deliveries ?? [];
    },
    settle: () => sandbox.mock.webhooks.idle(),
  };
}

/** The account behind the default token. */
async function account(sandbox: TestSandbox) {
  const { data } = await sandbox.control.GET('/_mock/account');
  if (!data) throw new Error('GET /_mock/account failed');
  return data;
}

async function now(sandbox: TestSandbox): Promise<string> {
  const { data } = await sandbox.control.GET('/_mock/clock');
  return data?.now ?? '';
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

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

  it('carries a signature that verifies with the PEM from /_mock/webhooks/public-key, and not for a tampered body', async () => {
    const sandbox = sandboxWithEndpoints();
    const hook = await sandbox.subscribe('http://receiver.test/hook');

    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();

    const [delivery] = hook.deliveries as [Delivery];
    const signature = delivery.headers.get(SIGNATURE_HEADER);
    expect(await verifySignature(delivery.body, signature, hook.publicKey)).toBe(true);
    expect(await verifySignature(text(delivery.body), signature, hook.publicKey)).toBe(true);

    const tampered = new TextEncoder().encode(text(delivery.body).replace('"UNAVAILABLE"', '"AVAILABLE"'));
    expect(tampered).not.toEqual(delivery.body);
    expect(await verifySignature(tampered, signature, hook.publicKey)).toBe(false);
    const replayed = new Request('http://receiver.test/hook', {
      method: 'POST',
      headers: { [SIGNATURE_HEADER]: signature ?? '', 'Content-Type': 'application/json' },
      body: tampered,
    });
    expect(await receiveWebhook(replayed, { publicKey: hook.publicKey })).toMatchObject({
      ok: false,
      rejection: { kind: 'bad_signature', status: 401 },
    });
  });

  it('verifies with the key from /_mock/webhooks/public-key?format=freshchat, read by webhook-types, as Freshchat shows it', async () => {
    const sandbox = sandboxWithEndpoints();
    const hook = await sandbox.subscribe('http://receiver.test/hook');
    const shown = await sandbox.raw('/_mock/webhooks/public-key?format=freshchat', {
      headers: { Authorization: 'Bearer sandbox-token' },
    });
    const oneLine = await shown.text();

    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();

    expect(shown.status).toBe(200);
    expect(shown.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(oneLine).toMatch(/^-----BEGIN RSA PUBLIC KEY----- [A-Za-z0-9+/=]+ -----END RSA PUBLIC KEY-----$/);
    // The same key as the PEM, only written differently.
    expect(oneLine.replace(/-----[A-Z ]+-----|\s/g, '')).toBe(hook.publicKey.replace(/-----[A-Z ]+-----|\s/g, ''));
    const [delivery] = hook.deliveries as [Delivery];
    expect(await verifySignature(delivery.body, delivery.headers.get(SIGNATURE_HEADER), oneLine)).toBe(true);
    const request = new Request('http://receiver.test/hook', {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(await receiveWebhook(request, { publicKey: oneLine })).toMatchObject({ ok: true });
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
    expect(hook.accepted.map((r) => r.event)).toEqual([
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
    // The delivery reached the receiver, which has not answered yet.
    expect(hook.attempts).toBe(1);
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

describe('the delivery log', () => {
  it('lists attempts oldest first, even when a slow attempt finishes after a later one', async () => {
    const sandbox = sandboxWithEndpoints();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const hook = await sandbox.subscribe('http://receiver.test/hook', [{ status: 200, after: gate }, 200]);

    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' }); // T0: the receiver is slow
    await sandbox.advance(1);
    await setAsAgent(sandbox, IDS.matt, { availability_status: 'UNAVAILABLE' }); // T0+1s: answered at once
    await vi.waitFor(async () => expect(await sandbox.deliveries()).toHaveLength(1), { timeout: 10_000 });
    release();
    await sandbox.settle();

    const log = await sandbox.deliveries();
    expect(log.map((d) => d.attempted_at)).toEqual([iso(T0), iso(T0 + 1000)]);
    expect(log.map((d) => d.event_id)).toEqual(hook.deliveries.map((d) => d.headers.get(EVENT_ID_HEADER)));
  });
});

describe('retries', () => {
  it('retries a 500 one clock-minute later with X-Retry-Count 1 and the same event, and logs both attempts', async () => {
    const sandbox = sandboxWithEndpoints();
    const hook = await sandbox.subscribe('http://receiver.test/hook', [500, 200]);

    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();
    expect(hook.deliveries).toHaveLength(1);
    const eventId = hook.deliveries[0]?.headers.get(EVENT_ID_HEADER);
    expect(await sandbox.deliveries()).toMatchObject([
      { retry_count: 0, outcome: 'failed', response_status: 500, next_attempt_at: iso(T0 + MINUTE) },
    ]);

    await sandbox.advance(59);
    await sandbox.settle();
    expect(hook.deliveries, 'not before the minute is up').toHaveLength(1);

    await sandbox.advance(1);
    await sandbox.settle();
    expect(hook.deliveries).toHaveLength(2);
    const [first, retry] = hook.deliveries as [Delivery, Delivery];
    expect(retry.headers.get(RETRY_COUNT_HEADER)).toBe('1');
    expect(retry.headers.get(EVENT_ID_HEADER)).toBe(eventId);
    expect(retry.body).toEqual(first.body);
    expect(retry.received).toMatchObject({ ok: true, eventId, retryCount: 1 });

    const log = await sandbox.deliveries();
    expect(log).toEqual([
      expect.objectContaining({
        event_id: eventId,
        subscription_id: hook.id,
        retry_count: 0,
        attempted_at: iso(T0),
        outcome: 'failed',
        response_status: 500,
        next_attempt_at: iso(T0 + MINUTE),
      }),
      expect.objectContaining({
        event_id: eventId,
        subscription_id: hook.id,
        retry_count: 1,
        attempted_at: iso(T0 + MINUTE),
        outcome: 'delivered',
        response_status: 200,
      }),
    ]);
    expect(log[1]).not.toHaveProperty('next_attempt_at');
    expect(log[1]).not.toHaveProperty('error');

    await sandbox.advance(24 * 3600);
    await sandbox.settle();
    expect(hook.deliveries, 'nothing after a delivered attempt').toHaveLength(2);
  });

  it('makes exactly six attempts to a receiver that always fails, 1, 5, 30, 120 and 360 clock-minutes apart', async () => {
    const sandbox = sandboxWithEndpoints();
    const hook = await sandbox.subscribe('http://receiver.test/hook', [503]);
    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();

    for (const minutes of RETRY_MINUTES) {
      const before = hook.deliveries.length;
      await sandbox.advance(minutes * 60 - 1);
      await sandbox.settle();
      expect(hook.deliveries.length, `a second before the ${minutes}-minute retry`).toBe(before);
      await sandbox.advance(1);
      await sandbox.settle();
      expect(hook.deliveries.length, `at the ${minutes}-minute retry`).toBe(before + 1);
    }
    await sandbox.advance(24 * 3600);
    await sandbox.settle();

    expect(hook.deliveries.map((d) => d.headers.get(RETRY_COUNT_HEADER))).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(new Set(hook.deliveries.map((d) => d.headers.get(EVENT_ID_HEADER))).size).toBe(1);
    const log = await sandbox.deliveries();
    expect(log.map((d) => [d.retry_count, d.outcome, d.response_status])).toEqual(
      [0, 1, 2, 3, 4, 5].map((n) => [n, 'failed', 503]),
    );
    const attemptedAt = log.map((d) => Date.parse(d.attempted_at));
    expect(attemptedAt.slice(1).map((t, i) => (t - (attemptedAt[i] as number)) / MINUTE)).toEqual(RETRY_MINUTES);
    expect(log.map((d) => d.next_attempt_at)).toEqual([...log.slice(1).map((d) => d.attempted_at), undefined]);
  });

  it('runs the whole retry chain in one big clock advance', async () => {
    const sandbox = sandboxWithEndpoints();
    const hook = await sandbox.subscribe('http://receiver.test/hook', [500]);
    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();

    await sandbox.advance(10 * 3600);
    await sandbox.settle();

    expect(hook.deliveries.map((d) => d.headers.get(RETRY_COUNT_HEADER))).toEqual(['0', '1', '2', '3', '4', '5']);
    const log = await sandbox.deliveries();
    expect(log.map((d) => d.attempted_at)).toEqual([0, 1, 6, 36, 156, 516].map((m) => iso(T0 + m * MINUTE)));
    expect(log.every((d) => d.outcome === 'failed')).toBe(true);

    await sandbox.advance(24 * 3600);
    await sandbox.settle();
    expect(hook.deliveries).toHaveLength(6);
  });

  it('logs a refused connection with its error, and stops retrying once an attempt is delivered', async () => {
    const sandbox = sandboxWithEndpoints();
    const hook = await sandbox.subscribe('http://receiver.test/hook', ['refuse', 'refuse', 204]);
    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();
    await sandbox.advance(60);
    await sandbox.settle();
    await sandbox.advance(5 * 60);
    await sandbox.settle();
    await sandbox.advance(24 * 3600);
    await sandbox.settle();

    expect(hook.deliveries).toHaveLength(1);
    expect(hook.deliveries[0]?.received).toMatchObject({ ok: true, retryCount: 2 });
    const log = await sandbox.deliveries();
    expect(
      log.map(({ retry_count, outcome, response_status, error }) => ({ retry_count, outcome, response_status, error })),
    ).toEqual([
      { retry_count: 0, outcome: 'failed', response_status: undefined, error: 'ECONNREFUSED' },
      { retry_count: 1, outcome: 'failed', response_status: undefined, error: 'ECONNREFUSED' },
      { retry_count: 2, outcome: 'delivered', response_status: 204, error: undefined },
    ]);
  });

  it('counts an attempt the receiver never answers as failed once the timeout passes, and retries it', async () => {
    const sandbox = sandboxWithEndpoints({ timeoutMs: 200 });
    const hook = await sandbox.subscribe('http://receiver.test/hook', ['hang', 200]);

    const patched = await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    expect(patched.response.status).toBe(200);
    await sandbox.settle();

    const [attempt] = await sandbox.deliveries();
    expect(attempt).toMatchObject({ retry_count: 0, outcome: 'failed', next_attempt_at: iso(T0 + MINUTE) });
    expect(attempt?.error).toMatch(/timeout/i);
    expect(attempt?.error).toContain('200 ms');
    expect(attempt).not.toHaveProperty('response_status');
    expect(attempt?.duration_ms).toBeGreaterThanOrEqual(150);

    await sandbox.advance(60);
    await sandbox.settle();
    expect((await sandbox.deliveries()).map((d) => [d.retry_count, d.outcome])).toEqual([
      [0, 'failed'],
      [1, 'delivered'],
    ]);
    expect(hook.accepted.map((r) => r.retryCount)).toEqual([1]);
  });

  it('counts a receiver that rejects the signature (401) as failed, and retries it', async () => {
    const sandbox = sandboxWithEndpoints();
    const hook = await sandbox.subscribe('http://receiver.test/hook');
    const other = await sandbox.control.POST('/_mock/accounts', { body: {} });
    const otherKey = await sandbox
      .clientsFor(other.data?.token ?? '')
      .control.GET('/_mock/webhooks/public-key', { parseAs: 'text' });
    hook.publicKey = otherKey.data ?? '';

    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();

    expect(hook.deliveries[0]?.received).toMatchObject({ ok: false, rejection: { kind: 'bad_signature' } });
    expect(await sandbox.deliveries()).toMatchObject([
      { outcome: 'failed', response_status: 401, next_attempt_at: iso(T0 + MINUTE) },
    ]);
  });
});

describe('subscriptions', () => {
  it('accept only http and https URLs, and are listed oldest first', async () => {
    const sandbox = sandboxWithEndpoints();
    for (const url of ['ftp://receiver.test/hook', 'file:///etc/passwd', 'mailto:ops@example.com', 'not a url', '']) {
      const { response, error } = await sandbox.control.POST('/_mock/webhooks', { body: { url } });
      expect(response.status, url).toBe(400);
      expect(error, url).toMatchObject({ code: 400, message: expect.stringContaining('url') });
    }
    expect((await sandbox.control.GET('/_mock/webhooks')).data).toEqual({ subscriptions: [] });

    const first = await sandbox.control.POST('/_mock/webhooks', { body: { url: 'http://one.test/hook' } });
    await sandbox.advance(5);
    const second = await sandbox.control.POST('/_mock/webhooks', { body: { url: 'https://two.test/hook?x=1' } });
    expect(first.response.status).toBe(201);
    expect(second.response.status).toBe(201);
    expect(first.data).toEqual({ id: expect.stringMatching(UUID), url: 'http://one.test/hook', created_at: iso(T0) });

    const { data } = await sandbox.control.GET('/_mock/webhooks');
    expect(data?.subscriptions).toEqual([
      { id: first.data?.id, url: 'http://one.test/hook', created_at: iso(T0) },
      { id: second.data?.id, url: 'https://two.test/hook?x=1', created_at: iso(T0 + 5000) },
    ]);
  });

  it('go to every subscriber: two subscribers both receive the same signed event', async () => {
    const sandbox = sandboxWithEndpoints();
    const one = await sandbox.subscribe('http://one.test/hook');
    const two = await sandbox.subscribe('https://two.test/hook');

    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();

    expect(one.accepted).toHaveLength(1);
    expect(two.accepted).toHaveLength(1);
    expect(one.accepted[0]?.eventId).toBe(two.accepted[0]?.eventId);
    expect(one.deliveries[0]?.body).toEqual(two.deliveries[0]?.body);
    const log = await sandbox.deliveries();
    expect(log.map((d) => d.subscription_id).sort()).toEqual([one.id, two.id].sort());
    expect(log.every((d) => d.outcome === 'delivered')).toBe(true);
  });

  it('can be removed: a removed subscription is not listed and receives nothing more', async () => {
    const sandbox = sandboxWithEndpoints();
    const kept = await sandbox.subscribe('http://kept.test/hook');
    const removed = await sandbox.subscribe('http://removed.test/hook');
    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();
    expect(removed.deliveries).toHaveLength(1);

    const deleted = await sandbox.control.DELETE('/_mock/webhooks/{subscription_id}', {
      params: { path: { subscription_id: removed.id } },
    });
    expect(deleted.response.status).toBe(204);
    const again = await sandbox.control.DELETE('/_mock/webhooks/{subscription_id}', {
      params: { path: { subscription_id: removed.id } },
    });
    expect(again.response.status).toBe(404);
    expect((await sandbox.control.GET('/_mock/webhooks')).data?.subscriptions.map((s) => s.id)).toEqual([kept.id]);

    await patchAgent(sandbox, IDS.john, { availability_status: 'AVAILABLE' });
    await sandbox.settle();
    expect(removed.deliveries).toHaveLength(1);
    expect(kept.deliveries).toHaveLength(2);
  });

  it('once removed, gets no more retries of an event that was failing', async () => {
    const sandbox = sandboxWithEndpoints();
    const kept = await sandbox.subscribe('http://kept.test/hook', [500]);
    const removed = await sandbox.subscribe('http://removed.test/hook', [500]);
    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();
    await sandbox.advance(60);
    await sandbox.settle();
    expect(removed.deliveries).toHaveLength(2);

    await sandbox.control.DELETE('/_mock/webhooks/{subscription_id}', {
      params: { path: { subscription_id: removed.id } },
    });
    await sandbox.advance(24 * 3600);
    await sandbox.settle();

    expect(removed.deliveries, 'no retry after unsubscribing').toHaveLength(2);
    expect(kept.deliveries, 'the other subscription keeps its schedule').toHaveLength(6);
    const log = await sandbox.deliveries();
    expect(log.filter((d) => d.subscription_id === removed.id)).toHaveLength(2);
    expect(log.filter((d) => d.subscription_id === kept.id)).toHaveLength(6);
  });

  it('once removed, its pending retry is cancelled in the log: no next_attempt_at, retry_cancelled_at instead', async () => {
    const sandbox = sandboxWithEndpoints();
    const removed = await sandbox.subscribe('http://removed.test/hook', [500]);
    const kept = await sandbox.subscribe('http://kept.test/hook', [500]);
    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();
    await sandbox.advance(30);

    await sandbox.control.DELETE('/_mock/webhooks/{subscription_id}', {
      params: { path: { subscription_id: removed.id } },
    });

    const log = await sandbox.deliveries();
    const byUrl = (url: string) => log.find((d) => d.url === url);
    expect(byUrl('http://removed.test/hook')).toMatchObject({
      outcome: 'failed',
      retry_cancelled_at: iso(T0 + 30_000),
    });
    expect(byUrl('http://removed.test/hook')).not.toHaveProperty('next_attempt_at');
    expect(byUrl('http://kept.test/hook')).toMatchObject({ outcome: 'failed', next_attempt_at: iso(T0 + MINUTE) });
    expect(byUrl('http://kept.test/hook')).not.toHaveProperty('retry_cancelled_at');

    await sandbox.advance(24 * 3600);
    await sandbox.settle();
    expect(removed.deliveries).toHaveLength(1);
    expect(kept.deliveries).toHaveLength(6);
    // The last attempt has no retry left: it neither promises one nor says one was cancelled.
    const last = (await sandbox.deliveries()).at(-1);
    expect(last).toMatchObject({ url: 'http://kept.test/hook', retry_count: 5, outcome: 'failed' });
    expect(last).not.toHaveProperty('next_attempt_at');
    expect(last).not.toHaveProperty('retry_cancelled_at');
  });

  it('is idempotent per URL: a URL subscribed twice gets each event once', async () => {
    const sandbox = sandboxWithEndpoints();
    const hook = await sandbox.subscribe('http://receiver.test/hook');
    const again = await sandbox.control.POST('/_mock/webhooks', { body: { url: 'http://receiver.test/hook' } });
    expect(again.response.status).toBe(200);
    expect(again.data?.id).toBe(hook.id);

    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();

    expect(hook.deliveries).toHaveLength(1);
    expect((await sandbox.deliveries()).map((d) => d.subscription_id)).toEqual([hook.id]);
  });
});

const TRIGGERABLE = [
  'agent_availability',
  'message_create',
  'conversation_assignment',
  'conversation_resolution',
  'conversation_reopen',
] as const;

/** Every `app_id` anywhere in a payload. */
function appIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(appIds);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => (k === 'app_id' && typeof v === 'string' ? [v] : appIds(v)));
  }
  return [];
}

describe('POST /_mock/webhooks/trigger', () => {
  it.each(TRIGGERABLE)('sends a signed %s event, with app_id rewritten to the account', async (action) => {
    const sandbox = sandboxWithEndpoints();
    // A second account: its app id differs from the document's example, so a rewrite shows.
    const created = await sandbox.control.POST('/_mock/accounts', { body: {} });
    const other = sandbox.clientsFor(created.data?.token ?? '');
    const appId = created.data?.app_id ?? '';
    expect(appId).not.toBe(IDS.appId);
    const hook = await sandbox.subscribe('http://receiver.test/hook', [200], other.control);
    await sandbox.advance(42);

    const triggered = await other.control.POST('/_mock/webhooks/trigger', { body: { action } });
    await sandbox.settle();

    expect(triggered.response.status).toBe(202);
    expect(triggered.data).toMatchObject({ event_id: expect.stringMatching(UUID), action, subscribers: 1 });
    expect(hook.deliveries).toHaveLength(1);
    const [delivery] = hook.deliveries as [Delivery];
    expect(delivery.received).toMatchObject({ ok: true, eventId: triggered.data?.event_id, retryCount: 0 });
    expect(await verifySignature(delivery.body, delivery.headers.get(SIGNATURE_HEADER), hook.publicKey)).toBe(true);
    const parsed = parseWebhook(delivery.body);
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.event.action).toBe(action);
    expect(parsed.event.action_time).toBe(iso(T0 + 42_000));
    expect(parsed.event).toEqual(triggered.data?.payload);
    const ids = appIds(parsed.event);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids)).toEqual(new Set([appId]));
    expect((await sandbox.deliveries(other.control)).map((d) => [d.action, d.outcome])).toEqual([
      [action, 'delivered'],
    ]);
  });

  it('uses the data override as the event data', async () => {
    const sandbox = sandboxWithEndpoints();
    const hook = await sandbox.subscribe('http://receiver.test/hook');
    const { admin_id } = await account(sandbox);
    const data = {
      agent_availability: {
        status: 'AVAILABLE' as const,
        routing_type: 'OCR' as const,
        app_id: IDS.appId,
        agent_id: IDS.sarah,
        metadata: { agent_status: { id: IDS.active, name: 'Active on IntelliAssign' } },
      },
    };

    const triggered = await sandbox.control.POST('/_mock/webhooks/trigger', {
      body: { action: 'agent_availability', actor: { actor_type: 'admin', actor_id: admin_id }, data },
    });
    await sandbox.settle();

    expect(triggered.response.status).toBe(202);
    const parsed = parseWebhook(hook.deliveries[0]?.body ?? new Uint8Array());
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.event.data).toEqual(data);
    expect(parsed.event.actor).toEqual({ actor_type: 'admin', actor_id: admin_id });
    expect(hook.accepted).toHaveLength(1);
  });

  it('refuses an override that breaks the action schema, and an unknown action, with 400 naming the field', async () => {
    const sandbox = sandboxWithEndpoints();
    const hook = await sandbox.subscribe('http://receiver.test/hook');

    const invalid = await sandbox.control.POST('/_mock/webhooks/trigger', {
      // @ts-expect-error the request schema gives `data` the action's own schema
      body: { action: 'message_create', data: { message: {} } },
    });
    expect(invalid.response.status).toBe(400);
    expect(invalid.error).toMatchObject({ code: 400, message: expect.stringMatching(/^data\.message\b/) });

    const otherActionsData = await sandbox.control.POST('/_mock/webhooks/trigger', {
      body: {
        action: 'conversation_reopen',
        // @ts-expect-error another action's data
        data: { resolve: { resolver: 'agent', conversation: { conversation_id: 'c', app_id: 'a', status: 'new' } } },
      },
    });
    expect(otherActionsData.response.status).toBe(400);
    expect(otherActionsData.error).toMatchObject({ code: 400, message: 'data.reopen: is required' });

    const wrongActor = await sandbox.control.POST('/_mock/webhooks/trigger', {
      // @ts-expect-error agent_availability's actor is an agent or an admin
      body: { action: 'agent_availability', actor: { actor_type: 'bot', actor_id: 'b' } },
    });
    expect(wrongActor.response.status).toBe(400);
    expect(wrongActor.error).toMatchObject({ code: 400, message: 'actor.actor_type: must be one of agent, admin' });

    const unknown = await sandbox.control.POST('/_mock/webhooks/trigger', {
      // @ts-expect-error an action the document does not declare
      body: { action: 'agent_teleported' },
    });
    expect(unknown.response.status).toBe(400);
    expect(unknown.error).toMatchObject({ code: 400, message: expect.stringContaining('action') });

    await sandbox.settle();
    expect(hook.deliveries).toEqual([]);
    expect(await sandbox.deliveries()).toEqual([]);
  });
});

describe('reset', () => {
  it('drops subscriptions, deliveries and scheduled retries', async () => {
    const sandbox = sandboxWithEndpoints();
    const hook = await sandbox.subscribe('http://receiver.test/hook', [500]);
    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();
    expect(await sandbox.deliveries()).toHaveLength(1);

    expect((await sandbox.control.POST('/_mock/reset')).response.status).toBe(200);
    expect((await sandbox.control.GET('/_mock/webhooks')).data).toEqual({ subscriptions: [] });
    expect(await sandbox.deliveries()).toEqual([]);

    await sandbox.advance(24 * 3600);
    await sandbox.settle();
    expect(hook.deliveries, 'no retry after reset').toHaveLength(1);

    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();
    expect(hook.deliveries, 'no subscription after reset').toHaveLength(1);
    expect(await sandbox.deliveries()).toEqual([]);
  });

  it('leaves no trace of an attempt that was under way when it happened', async () => {
    const sandbox = sandboxWithEndpoints();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const hook = await sandbox.subscribe('http://receiver.test/hook', [{ status: 500, after: gate }]);
    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await vi.waitFor(() => expect(hook.deliveries).toHaveLength(1), { timeout: 10_000 });

    await sandbox.control.POST('/_mock/reset');
    release();
    await sandbox.settle();
    await sandbox.advance(24 * 3600);
    await sandbox.settle();

    expect(await sandbox.deliveries()).toEqual([]);
    expect(hook.deliveries).toHaveLength(1);
  });
});

describe('accounts', () => {
  const B_AGENT = '0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b';

  it("never send account A's webhook to account B's subscriber, and sign each account's with its own key", async () => {
    const sandbox = sandboxWithEndpoints();
    const created = await sandbox.control.POST('/_mock/accounts', {
      body: { agents: [{ id: B_AGENT, first_name: 'Bea', last_name: 'Bee' }] },
    });
    expect(created.response.status).toBe(201);
    const b = sandbox.clientsFor(created.data?.token ?? '');
    const hookA = await sandbox.subscribe('http://a.test/hook');
    const hookB = await sandbox.subscribe('http://b.test/hook', [200], b.control);
    expect(hookA.publicKey).not.toBe(hookB.publicKey);

    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();
    expect(hookA.accepted).toHaveLength(1);
    expect(hookB.deliveries).toEqual([]);

    const patchedB = await b.freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: B_AGENT } },
      body: { availability_status: 'UNAVAILABLE' },
    });
    expect(patchedB.response.status).toBe(200);
    await sandbox.settle();
    expect(hookA.deliveries).toHaveLength(1);
    expect(hookB.accepted).toHaveLength(1);
    const eventB = hookB.accepted[0]?.event;
    expect(eventB?.action === 'agent_availability' && eventB.data.agent_availability).toMatchObject({
      app_id: created.data?.app_id,
      agent_id: B_AGENT,
    });

    const [a] = hookA.deliveries as [Delivery];
    const [bDelivery] = hookB.deliveries as [Delivery];
    expect(await verifySignature(a.body, a.headers.get(SIGNATURE_HEADER), hookA.publicKey)).toBe(true);
    expect(await verifySignature(a.body, a.headers.get(SIGNATURE_HEADER), hookB.publicKey)).toBe(false);
    expect(await verifySignature(bDelivery.body, bDelivery.headers.get(SIGNATURE_HEADER), hookB.publicKey)).toBe(true);
    expect(await verifySignature(bDelivery.body, bDelivery.headers.get(SIGNATURE_HEADER), hookA.publicKey)).toBe(false);

    expect((await sandbox.deliveries()).map((d) => d.subscription_id)).toEqual([hookA.id]);
    expect((await sandbox.deliveries(b.control)).map((d) => d.subscription_id)).toEqual([hookB.id]);
    expect((await b.control.GET('/_mock/webhooks')).data?.subscriptions.map((s) => s.id)).toEqual([hookB.id]);
  });

  it("never send a triggered event to another account's subscriber", async () => {
    const sandbox = sandboxWithEndpoints();
    const created = await sandbox.control.POST('/_mock/accounts', { body: {} });
    const b = sandbox.clientsFor(created.data?.token ?? '');
    const hookA = await sandbox.subscribe('http://a.test/hook');
    const hookB = await sandbox.subscribe('http://b.test/hook', [200], b.control);

    const triggered = await b.control.POST('/_mock/webhooks/trigger', { body: { action: 'message_create' } });
    await sandbox.settle();

    expect(triggered.data?.subscribers).toBe(1);
    expect(hookA.deliveries).toEqual([]);
    expect(hookB.accepted.map((r) => r.event.action)).toEqual(['message_create']);
  });
});
