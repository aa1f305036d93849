/**
 * In-process webhook receivers for the tests of `/_mock/webhooks`: each subscribed URL gets an `Endpoint`, plugged in
 * as the sandbox's webhook fetch, that verifies and parses what it receives as a real receiver does.
 */
import type { ControlComponents } from '@freshchat-sandbox/client';
import { type ReceivedWebhook, receiveWebhook } from '@freshchat-sandbox/webhook-types';
import { expect } from 'vitest';
import type { MockServerOptions } from '../mock-server.js';
import { openSandbox, type TestSandbox } from './sandbox-harness.js';

export { UUID } from './sandbox-harness.js';
/** One clock-minute, in milliseconds. */
export const MINUTE = 60_000;

/**
 * How an endpoint answers one delivery: a status; `refuse` (the connection is refused); `hang` (never answers, so
 * only the sender's timeout ends the attempt); or a status sent once `after` settles.
 */
type Answer = number | 'refuse' | 'hang' | { status: number; after: Promise<unknown> };

/** One delivery as an endpoint saw it, and what `receiveWebhook` made of it. */
export type Delivery = {
  url: string;
  method: string;
  headers: Headers;
  body: Uint8Array<ArrayBuffer>;
  received: ReceivedWebhook;
  answered: boolean;
  /** The attempt's place among those that reached the endpoint (0 for the first). */
  arrival: number;
};

/**
 * A subscriber's endpoint, plugged in as the dispatcher's fetch. It does what a real receiver does —
 * `receiveWebhook` with the account's public key, 401/400 for a rejected delivery — then answers as scripted (the
 * last answer repeats).
 */
class Endpoint {
  /** The deliveries that reached the endpoint, in the order they arrived. */
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
    const arrival = this.attempts++;
    const answer = this.answers[Math.min(arrival, this.answers.length - 1)] ?? 200;
    if (answer === 'refuse') throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    const body = new Uint8Array(await request.clone().arrayBuffer());
    const delivery: Delivery = {
      url: request.url,
      method: request.method,
      headers: request.headers,
      body,
      received: await receiveWebhook(request, { publicKey: this.publicKey }),
      answered: false,
      arrival,
    };
    // Listed in the order the attempts arrived: verifying one signature can take longer than the next attempt's.
    const later = this.deliveries.findIndex((d) => d.arrival > arrival);
    this.deliveries.splice(later === -1 ? this.deliveries.length : later, 0, delivery);
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

type WebhookSandbox = TestSandbox & {
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
export function sandboxWithEndpoints(
  webhooks: Omit<NonNullable<MockServerOptions['webhooks']>, 'fetch'> = {},
): WebhookSandbox {
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
export async function account(sandbox: TestSandbox) {
  const { data } = await sandbox.control.GET('/_mock/account');
  if (!data) throw new Error('GET /_mock/account failed');
  return data;
}

/** The clock's time, as `GET /_mock/clock` reads it. */
export async function now(sandbox: TestSandbox): Promise<string> {
  const { data } = await sandbox.control.GET('/_mock/clock');
  return data?.now ?? '';
}

/** Bytes as UTF-8 text. */
export const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
