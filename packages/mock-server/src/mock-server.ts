import type { Hono } from 'hono';
import type { DurableLog } from './adapters/durable-log.js';
import { FetchWebhookTransport, type WebhookDeliveryOptions } from './adapters/fetch-webhook-transport.js';
import { VirtualClock } from './domain/clock/virtual-clock.js';
import { Sandbox, type SandboxLimits, type SeedFile } from './domain/sandbox.js';
import type { DeliveryLimits } from './domain/webhooks/delivery-queue.js';
import { WebhookDispatcher } from './domain/webhooks/webhook-dispatcher.js';
import { type AppOptions, createApp } from './http/app.js';
import { HttpDate } from './http/http-date.js';
import { InspectorFeed } from './http/inspector-feed.js';
import { inspectorHandlers } from './http/inspector-handlers.js';
import { webhookHandlers } from './http/webhook-handlers.js';

/** How a mock server is set up. Every field has a default. */
export type MockServerOptions = {
  /** The accounts to start with (and return to on reset); the document's examples by default. */
  seed?: SeedFile | undefined;
  /** The virtual clock; a fresh one following real time by default (or as `frozenClock` and `clockStart` say). */
  clock?: VirtualClock | undefined;
  /** Freeze the clock from the start: it then moves only when advanced or set. Ignored when `clock` is given. */
  frozenClock?: boolean | undefined;
  /** Where the clock starts (a Date or an ISO-8601 string); real time by default. Ignored when `clock` is given. */
  clockStart?: Date | string | undefined;
  /**
   * A seed for every id the sandbox makes (reports, subscriptions, events, faults, statuses, agents, accounts and
   * their tokens), its link secret and its signing keys: the same seed and requests give the same answers.
   */
  idSeed?: number | undefined;
  /** Clock-seconds from a report request to its completion; 30 by default. */
  reportDelaySeconds?: number | undefined;
  /**
   * Limits: requests per minute (5000), reports per minute (1), journal entries kept (1000), webhook subscriptions
   * (100), simulated agent-days (1,000,000) and report jobs kept (1000) per account; accounts per sandbox (1000).
   */
  limits?: Partial<SandboxLimits> | undefined;
  /** Largest request bodies, in bytes. */
  bodyLimits?: AppOptions['bodyLimits'];
  /** How webhooks are delivered (the fetch used, the timeout). */
  webhooks?: WebhookDeliveryOptions | undefined;
  /** Bounds on webhook delivery: attempts under way (64, 4 per subscription), waiting (100,000), kept (1,000 an account). */
  deliveryLimits?: Partial<DeliveryLimits> | undefined;
  /** The secret that signs download links; random by default. */
  linkSecret?: string | undefined;
  /** A durable log to record accepted mutations in (see `openDurableMockServer`, which also replays it). */
  durable?: DurableLog | undefined;
};

/** The sandbox's Hono app, whose `fetch` always answers with a promise, so it fits a client's `fetch` option as is. */
type MockServerApp = { fetch: (...args: Parameters<Hono['fetch']>) => Promise<Response> } & Hono;

/** A running sandbox: the Hono app to serve or call in-process, and the state behind it. */
export type MockServer = {
  /** The Hono app. `app.fetch(request)` answers in-process; serve it with `@hono/node-server` for a port. */
  app: MockServerApp;
  /**
   * Hono's own `fetch`, for a Node server: it answers synchronously whenever the operation does, so
   * @hono/node-server writes the answer without a round of promises. `listen` serves it; in-process, use `app.fetch`.
   */
  dispatch: Hono['fetch'];
  /** The sandbox's state: accounts, seed, reset. */
  state: Sandbox;
  /** The virtual clock every part of the sandbox reads. */
  clock: VirtualClock;
  /** The webhook dispatcher; `await webhooks.idle()` waits for deliveries under way. */
  webhooks: WebhookDispatcher;
  /** The live feed of `/_inspector`; `inspector.closeAll()` ends the pages' open streams. */
  inspector: InspectorFeed;
  /** Ends the inspector's streams and stops the clock's real-time timer so the process can exit. */
  close(): void;
};

/**
 * Creates a sandbox of Freshchat's agent-status API. One instance per test gives full isolation.
 *
 * @example
 * import { createFreshchatClient } from '@freshchat-sandbox/client';
 * const mock = createMockServer({ reportDelaySeconds: 5 });
 * const client = createFreshchatClient({
 *   baseUrl: 'http://sandbox.local/v2',
 *   token: 'sandbox-token',
 *   fetch: (req) => mock.app.fetch(req),
 * });
 * const { data } = await client.GET('/agents/status');
 */
export function createMockServer(options: MockServerOptions = {}): MockServer {
  const state = new Sandbox({
    seed: options.seed,
    clock: options.clock ?? clockFor(options),
    idSeed: options.idSeed,
    reportDelaySeconds: options.reportDelaySeconds,
    limits: options.limits,
    linkSecret: options.linkSecret,
    ids: options.durable?.ids,
    onKeyPair: options.durable
      ? (account, privateKeyPem) => options.durable?.append({ type: 'key', appId: account.appId, privateKeyPem })
      : undefined,
  });
  const webhooks = new WebhookDispatcher(state, new FetchWebhookTransport(options.webhooks), options.deliveryLimits);
  const inspector = new InspectorFeed(state, webhooks);
  const app = createApp(state, {
    bodyLimits: options.bodyLimits,
    durable: options.durable,
    extraHandlers: { ...webhookHandlers(webhooks), ...inspectorHandlers(inspector) },
  });
  const honoFetch = app.fetch;
  const httpDate = new HttpDate(state.clock);
  // Every answer's `Date` reads the virtual clock, so it repeats with the rest of the answer. Hono answers
  // synchronously when a handler does; that stays so.
  const dispatch: Hono['fetch'] = (...args) => {
    const answer = honoFetch(...args);
    return answer instanceof Promise ? answer.then((r) => httpDate.stamp(r)) : httpDate.stamp(answer);
  };
  // A promise every time is what a `fetch` option expects.
  app.fetch = async (...args) => dispatch(...args);
  const close = () => {
    inspector.closeAll();
    state.clock.stop();
  };
  return { app: app as MockServerApp, dispatch, state, clock: state.clock, webhooks, inspector, close };
}

/** The clock `frozenClock` and `clockStart` describe. */
function clockFor(options: MockServerOptions): VirtualClock {
  const start = options.clockStart === undefined ? undefined : new Date(options.clockStart);
  if (start && Number.isNaN(start.getTime()))
    throw new RangeError(`clockStart: not a time: ${String(options.clockStart)}`);
  return new VirtualClock(Date.now, start, { frozen: options.frozenClock });
}
