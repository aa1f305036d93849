/**
 * Webhook delivery over real HTTP: the sandbox listens on 127.0.0.1 (port 0), and each test runs its own receiver,
 * a `node:http` server on 127.0.0.1, that checks deliveries with `receiveWebhook` the way a consumer's would.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ControlClient,
  type ControlComponents,
  createControlClient,
  createFreshchatClient,
  type FreshchatClient,
} from '@freshchat-sandbox/client';
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
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebhookDeliveryOptions } from './adapters/fetch-webhook-transport.js';
import { type ListeningMockServer, listen } from './listen.js';
import { frozenClock, IDS, iso, patchAgent, setAsAgent, T0, TEST_SEED, UUID } from './testing/sandbox-harness.js';

const TOKEN = 'sandbox-token';

const MINUTE = 60_000;

/** How the receiver answers one delivery: a status, a status once `after` settles, or never (`hang`). */
type Answer = number | 'hang' | { status: number; after: Promise<unknown> };

/** One delivery as the receiver got it off the wire. */
type Delivery = {
  headers: IncomingHttpHeaders;
  body: Uint8Array<ArrayBuffer>;
  received: ReceivedWebhook;
  answered: boolean;
};

/** A webhook receiver on 127.0.0.1 that can go down and come back on the same port. */
class Receiver {
  readonly deliveries: Delivery[] = [];
  /** What happened, in order; a test adds its own marks to compare with the receiver's answers. */
  readonly timeline: string[] = [];
  /** Requests whose connection closed before the receiver answered them (the sender gave up). */
  closedUnanswered = 0;
  publicKey = '';
  port = 0;
  private server: Server | undefined;
  private readonly open = new Set<ServerResponse>();

  constructor(private readonly answers: Answer[] = [200]) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/freshchat/webhook`;
  }

  /** The events accepted (verified, parsed and answered 2xx). */
  get accepted(): Extract<ReceivedWebhook, { ok: true }>[] {
    return this.deliveries.flatMap((d) => (d.received.ok && d.answered ? [d.received] : []));
  }

  /** Listens on `port` (its last port by default; a free one the first time). */
  async start(port = this.port): Promise<this> {
    const server = createServer((req, res) => {
      this.open.add(res);
      res.on('close', () => {
        this.open.delete(res);
        if (!res.writableEnded) this.closedUnanswered++;
      });
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => void this.handle(req.headers, new Uint8Array(Buffer.concat(chunks)), res));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Goes down: stops listening and drops every connection, so the next attempt is refused. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const res of this.open) res.destroy();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(headers: IncomingHttpHeaders, body: Uint8Array<ArrayBuffer>, res: ServerResponse) {
    const answer = this.answers[Math.min(this.deliveries.length, this.answers.length - 1)] ?? 200;
    const forwarded = new Headers();
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) {
        forwarded.set(name, value);
      }
    }
    const request = new Request(this.url, { method: 'POST', headers: forwarded, body });
    const delivery: Delivery = {
      headers,
      body,
      received: await receiveWebhook(request, { publicKey: this.publicKey }),
      answered: false,
    };
    this.deliveries.push(delivery);
    if (!delivery.received.ok) {
      res.writeHead(delivery.received.rejection.status).end(delivery.received.rejection.message);
      return;
    }
    if (answer === 'hang') return;
    if (typeof answer === 'object') await answer.after;
    const status = typeof answer === 'number' ? answer : answer.status;
    if (res.destroyed) return;
    delivery.answered = status >= 200 && status < 300;
    this.timeline.push(`receiver answered ${status}`);
    res.writeHead(status).end();
  }
}

const receivers: Receiver[] = [];
const sandboxes: ListeningMockServer[] = [];

afterEach(async () => {
  // Receivers first: an attempt waiting on one ends at once, so the sandbox's stop need not wait for a timeout.
  await Promise.all(receivers.splice(0).map((r) => r.stop()));
  await Promise.all(sandboxes.splice(0).map((s) => s.stop()));
});

type Sandbox = {
  server: ListeningMockServer;
  freshchat: FreshchatClient;
  control: ControlClient;
  advance(seconds: number): Promise<void>;
  deliveries(): Promise<ControlComponents['schemas']['WebhookDelivery'][]>;
  settle(): Promise<void>;
};

/** A fresh sandbox on a free port of 127.0.0.1, its clock frozen at T0; stopped after the test. */
async function startSandbox(webhooks: Omit<WebhookDeliveryOptions, 'fetch'> = {}): Promise<Sandbox> {
  const server = await listen({ port: 0, clock: frozenClock(), seed: TEST_SEED, webhooks });
  sandboxes.push(server);
  expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const freshchat = createFreshchatClient({ baseUrl: `${server.url}/v2`, token: TOKEN });
  const control = createControlClient({ baseUrl: server.url, token: TOKEN });
  return {
    server,
    freshchat,
    control,
    async advance(seconds) {
      const { response } = await control.POST('/_mock/clock/advance', { body: { seconds } });
      expect(response.status).toBe(200);
    },
    async deliveries() {
      const { data } = await control.GET('/_mock/webhooks/deliveries');
      return data?.deliveries ?? [];
    },
    settle: () => server.webhooks.idle(),
  };
}

/** A receiver listening on a free port (or, with `down`, a free port where nothing listens yet), subscribed. */
async function subscribeReceiver(sandbox: Sandbox, answers?: Answer[], { down = false } = {}): Promise<Receiver> {
  const receiver = new Receiver(answers);
  receivers.push(receiver);
  await receiver.start();
  if (down) await receiver.stop();
  const { response } = await sandbox.control.POST('/_mock/webhooks', { body: { url: receiver.url } });
  expect(response.status).toBe(201);
  const key = await sandbox.control.GET('/_mock/webhooks/public-key', { parseAs: 'text' });
  receiver.publicKey = key.data ?? '';
  expect(receiver.publicKey).toContain('-----BEGIN PUBLIC KEY-----');
  return receiver;
}

describe('webhook delivery over HTTP', () => {
  it('POSTs one signed agent_availability event per change, as the admin for a PATCH and as the agent for an agent change', async () => {
    const sandbox = await startSandbox();
    const receiver = await subscribeReceiver(sandbox);
    const { data: account } = await sandbox.control.GET('/_mock/account');

    await sandbox.advance(12);
    await patchAgent(sandbox, IDS.john, { agent_status: { id: IDS.break } });
    await sandbox.settle();
    await sandbox.advance(3);
    await setAsAgent(sandbox, IDS.matt, { availability_status: 'UNAVAILABLE' });
    await patchAgent(sandbox, IDS.sarah, { availability_status: 'AVAILABLE' }); // no change: nothing sent
    await sandbox.settle();

    expect(receiver.deliveries).toHaveLength(2);
    for (const delivery of receiver.deliveries) {
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(delivery.headers[PAYLOAD_VERSION_HEADER.toLowerCase()]).toBe('1');
      expect(delivery.headers[RETRY_COUNT_HEADER.toLowerCase()]).toBe('0');
      expect(delivery.headers[EVENT_ID_HEADER.toLowerCase()]).toMatch(UUID);
      const signature = delivery.headers[SIGNATURE_HEADER.toLowerCase()] as string;
      expect(await verifySignature(delivery.body, signature, receiver.publicKey)).toBe(true);
      const tampered = new TextEncoder().encode(
        new TextDecoder().decode(delivery.body).replace('UNAVAILABLE', 'AVAILABLE'),
      );
      expect(await verifySignature(tampered, signature, receiver.publicKey)).toBe(false);
    }
    // Up to four attempts per subscription are under way at once, so events may arrive out of order, as webhooks
    // do; by the time they were made, they are these.
    const byTime = receiver.accepted.map((r) => r.event).sort((a, b) => a.action_time.localeCompare(b.action_time));
    expect(byTime).toEqual([
      {
        actor: { actor_type: 'admin', actor_id: account?.admin_id },
        action: 'agent_availability',
        action_time: iso(T0 + 12_000),
        data: {
          agent_availability: {
            status: 'UNAVAILABLE',
            routing_type: 'INTELLIASSIGN',
            app_id: account?.app_id,
            agent_id: IDS.john,
            metadata: { agent_status: { id: IDS.break, name: 'Break' } },
          },
        },
      },
      {
        actor: { actor_type: 'agent', actor_id: IDS.matt },
        action: 'agent_availability',
        action_time: iso(T0 + 15_000),
        data: {
          agent_availability: {
            status: 'UNAVAILABLE',
            routing_type: 'INTELLIASSIGN',
            app_id: account?.app_id,
            agent_id: IDS.matt,
            metadata: { agent_status: { id: IDS.unavailable, name: 'Unavailable' } },
          },
        },
      },
    ]);
    expect((await sandbox.deliveries()).map((d) => [d.outcome, d.response_status, d.url])).toEqual([
      ['delivered', 200, receiver.url],
      ['delivered', 200, receiver.url],
    ]);
  });

  it('answers the PATCH before a receiver that takes 2 s has answered', async () => {
    const sandbox = await startSandbox();
    let release = () => {};
    const slow = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      release = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    const receiver = await subscribeReceiver(sandbox, [{ status: 200, after: slow }]);

    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    receiver.timeline.push('PATCH answered');
    await vi.waitFor(() => expect(receiver.deliveries).toHaveLength(1), { timeout: 10_000 });
    expect(receiver.deliveries[0]?.answered).toBe(false);

    release();
    await sandbox.settle();
    expect(receiver.timeline).toEqual(['PATCH answered', 'receiver answered 200']);
    expect((await sandbox.deliveries()).map((d) => d.outcome)).toEqual(['delivered']);
  });

  it('retries a 500 after one clock-minute, with X-Retry-Count 1 and the same event id', async () => {
    const sandbox = await startSandbox();
    const receiver = await subscribeReceiver(sandbox, [500, 200]);

    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();
    expect(receiver.deliveries).toHaveLength(1);
    await sandbox.advance(60);
    await sandbox.settle();

    expect(receiver.deliveries).toHaveLength(2);
    const [first, retry] = receiver.deliveries as [Delivery, Delivery];
    const eventId = first.headers[EVENT_ID_HEADER.toLowerCase()];
    expect(retry.headers[EVENT_ID_HEADER.toLowerCase()]).toBe(eventId);
    expect(retry.headers[RETRY_COUNT_HEADER.toLowerCase()]).toBe('1');
    expect(retry.received).toMatchObject({ ok: true, retryCount: 1, eventId });
    expect(await sandbox.deliveries()).toEqual([
      expect.objectContaining({
        event_id: eventId,
        retry_count: 0,
        attempted_at: iso(T0),
        outcome: 'failed',
        response_status: 500,
        next_attempt_at: iso(T0 + MINUTE),
      }),
      expect.objectContaining({
        event_id: eventId,
        retry_count: 1,
        attempted_at: iso(T0 + MINUTE),
        outcome: 'delivered',
        response_status: 200,
      }),
    ]);
  });

  it('loses and duplicates nothing while the receiver is down: every event arrives once it is back up', async () => {
    const sandbox = await startSandbox();
    const receiver = await subscribeReceiver(sandbox);

    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' }); // T0, delivered
    await sandbox.settle();
    expect(receiver.accepted).toHaveLength(1);

    await receiver.stop(); // down: connections refused
    await patchAgent(sandbox, IDS.john, { availability_status: 'AVAILABLE' }); // T0: retry due T0+1m
    await sandbox.advance(30);
    await setAsAgent(sandbox, IDS.matt, { agent_status: { id: IDS.teaBreak } }); // T0+30s: retry due T0+90s
    await sandbox.advance(40); // T0+70s: the first retry of the change at T0 is refused too, next due T0+6m
    await patchAgent(sandbox, IDS.sarah, { agent_status: { id: IDS.lunch } }); // T0+70s: retry due T0+130s
    await sandbox.settle();

    const whileDown = (await sandbox.deliveries()).slice(1);
    expect(whileDown).toHaveLength(4);
    for (const attempt of whileDown) {
      expect(attempt).toMatchObject({ outcome: 'failed', error: 'ECONNREFUSED', next_attempt_at: expect.any(String) });
      expect(attempt).not.toHaveProperty('response_status');
    }
    expect(receiver.deliveries).toHaveLength(1);

    await receiver.start(); // back up, same port
    await sandbox.advance(60); // T0+130s: the retries due at T0+90s and T0+130s
    await sandbox.settle();
    expect(receiver.accepted).toHaveLength(3);
    await sandbox.advance(4 * 60); // T0+370s: the retry due at T0+6m
    await sandbox.settle();
    await sandbox.advance(24 * 3600);
    await sandbox.settle();

    const accepted = receiver.accepted;
    expect(accepted).toHaveLength(4);
    const eventIds = accepted.map((r) => r.eventId);
    expect(new Set(eventIds).size).toBe(4);
    const changes = accepted.map((r) =>
      r.event.action === 'agent_availability'
        ? [r.event.data.agent_availability.agent_id, r.event.data.agent_availability.metadata.agent_status.name]
        : [],
    );
    expect(changes).toEqual(
      expect.arrayContaining([
        [IDS.john, 'Unavailable'],
        [IDS.john, 'Active on IntelliAssign'],
        [IDS.matt, 'Tea break'],
        [IDS.sarah, 'Lunch'],
      ]),
    );
    expect(accepted.map((r) => r.retryCount).sort()).toEqual([0, 1, 1, 2]);

    const log = await sandbox.deliveries();
    const byEvent = new Map<string, typeof log>();
    for (const attempt of log) byEvent.set(attempt.event_id, [...(byEvent.get(attempt.event_id) ?? []), attempt]);
    expect(byEvent.size).toBe(4);
    for (const attempts of byEvent.values()) {
      expect(attempts.map((a) => a.outcome).filter((o) => o === 'delivered')).toEqual(['delivered']);
      expect(attempts.at(-1)?.outcome).toBe('delivered');
    }
  });

  it('logs every attempt to a port where nothing listens as refused, then delivers once a receiver listens there', async () => {
    const sandbox = await startSandbox();
    const receiver = await subscribeReceiver(sandbox, [200], { down: true });

    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();
    await sandbox.advance(60);
    await sandbox.settle();
    expect((await sandbox.deliveries()).map((d) => [d.retry_count, d.outcome, d.error])).toEqual([
      [0, 'failed', 'ECONNREFUSED'],
      [1, 'failed', 'ECONNREFUSED'],
    ]);

    await receiver.start();
    await sandbox.advance(5 * 60);
    await sandbox.settle();
    expect(receiver.accepted.map((r) => r.retryCount)).toEqual([2]);
    expect((await sandbox.deliveries()).at(-1)).toMatchObject({ retry_count: 2, outcome: 'delivered' });
  });

  it('counts a receiver that never answers as a failed attempt once the timeout passes', async () => {
    const sandbox = await startSandbox({ timeoutMs: 200 });
    const receiver = await subscribeReceiver(sandbox, ['hang', 204]);

    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();

    const [attempt] = await sandbox.deliveries();
    expect(attempt).toMatchObject({ retry_count: 0, outcome: 'failed', next_attempt_at: iso(T0 + MINUTE) });
    expect(attempt?.error).toMatch(/timeout/i);
    expect(attempt).not.toHaveProperty('response_status');
    expect(receiver.deliveries).toHaveLength(1);

    await sandbox.advance(60);
    await sandbox.settle();
    expect((await sandbox.deliveries()).map((d) => [d.retry_count, d.outcome, d.response_status])).toEqual([
      [0, 'failed', undefined],
      [1, 'delivered', 204],
    ]);
  });

  it('listen().stop() aborts an attempt under way instead of waiting out the 10 s timeout, logged as aborted', async () => {
    const sandbox = await startSandbox();
    const receiver = await subscribeReceiver(sandbox, ['hang']);
    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await vi.waitFor(() => expect(receiver.deliveries).toHaveLength(1));
    const account = sandbox.server.state.authenticate(TOKEN);
    if (!account) throw new Error('no default account');

    await sandbox.server.stop();
    sandboxes.splice(sandboxes.indexOf(sandbox.server), 1);

    const [attempt, ...more] = sandbox.server.webhooks.deliveries(account);
    expect(more).toEqual([]);
    expect(attempt).toMatchObject({ retry_count: 0, outcome: 'aborted', error: 'aborted: the sandbox stopped' });
    expect(attempt).not.toHaveProperty('next_attempt_at');
    expect(attempt).not.toHaveProperty('response_status');
    // The request was cancelled on the wire, not left open.
    await vi.waitFor(() => expect(receiver.closedUnanswered).toBe(1));
  });

  it('delivers a triggered event that parseWebhook accepts', async () => {
    const sandbox = await startSandbox();
    const receiver = await subscribeReceiver(sandbox);

    const triggered = await sandbox.control.POST('/_mock/webhooks/trigger', {
      body: { action: 'conversation_assignment' },
    });
    await sandbox.settle();

    expect(triggered.response.status).toBe(202);
    expect(receiver.accepted.map((r) => r.eventId)).toEqual([triggered.data?.event_id]);
    const parsed = parseWebhook(receiver.deliveries[0]?.body ?? new Uint8Array());
    expect(parsed.ok && parsed.event.action).toBe('conversation_assignment');
  });
});
