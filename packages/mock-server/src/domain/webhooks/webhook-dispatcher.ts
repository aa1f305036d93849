import type { components as ControlComponents } from '@freshchat-sandbox/openapi/types/mock-control';
import type { Account } from '../accounts/account.js';
import { DomainError } from '../domain-error.js';
import { unsubscribe } from '../events/account-commands.js';
import { type Pending, whenDone } from '../events/event-sink.js';
import type { Sandbox } from '../sandbox.js';
import { DEFAULT_DELIVERY_LIMITS, type DeliveryLimits, DeliveryQueue } from './delivery-queue.js';
import { agentAvailabilityPayload, type SignedEvent, signedEvent } from './webhook-event.js';
import type { WebhookSubscription } from './webhook-subscriptions.js';
import type { WebhookTransport } from './webhook-transport.js';
import { triggeredPayload, type WebhookTriggerRequest } from './webhook-trigger.js';

/** Clock-minutes to wait before each retry of a failed delivery: six attempts in all. */
export const RETRY_SCHEDULE_MINUTES = [1, 5, 30, 120, 360] as const;

/** One delivery attempt, as `GET /_mock/webhooks/deliveries` lists it (the control API's `WebhookDelivery`). */
export type DeliveryAttempt = ControlComponents['schemas']['WebhookDelivery'];

/** What a resend started: the new attempt's id, the event and the subscriber. */
export type ResentDelivery = { delivery_id: string; event_id: string; subscription_id: string };

/** An account's delivery log: the attempts kept, oldest first, and how many older ones were dropped. */
export type DeliveryLog = { deliveries: DeliveryAttempt[]; dropped: number };

/** What a trigger sent: the event's id, and the payload it carries. */
export type TriggeredEvent = { eventId: string; payload: Record<string, unknown> };

/**
 * Sends every status change to the account's subscribers as Freshchat's signed `agent_availability` webhook, off
 * the request's path, through a transport (the factory gives it the HTTP one). A failed attempt (non-2xx, timeout,
 * refused) is retried on the virtual clock after 1, 5, 30, 120 and 360 minutes; every attempt is logged, in a ring
 * per account. Attempts run through a `DeliveryQueue`: bounded overall and per subscription, started after the
 * answer that caused them.
 *
 * @example
 * const dispatcher = new WebhookDispatcher(sandbox, new FetchWebhookTransport());
 * await dispatcher.idle(); // every attempt under way has finished
 */
export class WebhookDispatcher {
  private logs = new WeakMap<Account, DeliveryLog>();
  /** Failed attempts whose retry is scheduled and not yet made, with the subscription it goes to. */
  private pendingRetries = new Map<DeliveryAttempt, { account: Account; subscriptionId: string }>();
  /** What each logged attempt sent, by attempt id, so that it can be sent again. */
  private sent = new WeakMap<Account, Map<string, { subscription: WebhookSubscription; event: SignedEvent }>>();
  private readonly queue: DeliveryQueue;
  private readonly limits: DeliveryLimits;
  private generation = 0;
  /** Set inside `whileMuted` only. */
  private muted = false;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly transport: WebhookTransport,
    limits: Partial<DeliveryLimits> = {},
  ) {
    this.limits = { ...DEFAULT_DELIVERY_LIMITS, ...limits };
    this.queue = new DeliveryQueue(this.limits);
    sandbox.onStatusChange((event) => {
      if (this.muted || event.account.webhooks.size === 0) return;
      this.send(event.account, 'agent_availability', agentAvailabilityPayload(event));
    });
    sandbox.onReset(() => {
      // Attempts under way when the sandbox resets finish unlogged: they belong to a world that is gone.
      this.generation++;
      this.logs = new WeakMap();
      this.pendingRetries = new Map();
      this.sent = new WeakMap();
      this.queue.clear();
    });
  }

  /** The account's delivery attempts kept in its log, oldest first. */
  deliveries(account: Account): DeliveryAttempt[] {
    return [...(this.logs.get(account)?.deliveries ?? [])];
  }

  /** The account's delivery log: the attempts kept and the count of older ones dropped. */
  deliveryLog(account: Account): DeliveryLog {
    const log = this.logs.get(account);
    return { deliveries: [...(log?.deliveries ?? [])], dropped: log?.dropped ?? 0 };
  }

  /** Attempts under way and waiting now, for watching the bounds. */
  load(): { inFlight: number; queued: number } {
    return { inFlight: this.queue.inFlight, queued: this.queue.queued };
  }

  /** Resolves once no attempt is under way or waiting (retries scheduled on the clock are not waited for). */
  async idle(): Promise<void> {
    await this.queue.idle();
  }

  /**
   * Runs `fn` with sending muted: status changes, triggers and resends made meanwhile send nothing, as when a
   * data folder of an older format is migrated (they were sent the first time). Sending resumes when `fn` settles.
   *
   * @example
   * await mock.webhooks.whileMuted(() => carryOutOldRequests());
   */
  async whileMuted<T>(fn: () => T | Promise<T>): Promise<T> {
    const was = this.muted;
    this.muted = true;
    try {
      return await fn();
    } finally {
      this.muted = was;
    }
  }

  /**
   * Removes a subscription and cancels the retries scheduled for it: each failed attempt that promised one loses
   * its `next_attempt_at` and gets `retry_cancelled_at`, so the log never promises an attempt that will not be made.
   *
   * @throws DomainError `not_found` when the account has no such subscription
   */
  unsubscribe(account: Account, subscriptionId: string): Pending<void> {
    return whenDone(unsubscribe(this.sandbox, account, subscriptionId), () =>
      this.cancelRetries(account, subscriptionId),
    );
  }

  private cancelRetries(account: Account, subscriptionId: string): void {
    const at = new Date(this.sandbox.clock.now()).toISOString();
    for (const [entry, pending] of this.pendingRetries) {
      if (pending.account !== account || pending.subscriptionId !== subscriptionId) continue;
      this.pendingRetries.delete(entry);
      delete entry.next_attempt_at;
      entry.retry_cancelled_at = at;
    }
  }

  /**
   * Aborts every attempt under way and resolves once each is logged (outcome `aborted`, no retry); attempts made
   * after it are aborted at once. For stopping the sandbox without waiting out a receiver's timeout.
   */
  async abort(): Promise<void> {
    this.transport.stop();
    await this.idle();
  }

  /**
   * Sends the event `POST /_mock/webhooks/trigger` asks for to every current subscriber: the spec's example for the
   * action as of now, with the request's `actor` and `data`. The account's first trigger waits for its signing key,
   * made off the event loop and kept by an event: a disk that refuses that event refuses the trigger (503), as it
   * refuses any change it cannot keep.
   */
  trigger(account: Account, request: WebhookTriggerRequest): Pending<TriggeredEvent> {
    const payload = triggeredPayload(account, request, this.sandbox.clock.now());
    const triggered = { eventId: this.send(account, request.action, payload), payload };
    if (account.webhooks.hasKey || this.muted) return triggered;
    return account.webhooks.keyPair().then(() => triggered);
  }

  /**
   * Sends a logged attempt's event again to its subscriber, at once: same bytes, signature and event id, with
   * a retry count one more than the event's last attempt there. A failed resend schedules no retries.
   *
   * @throws DomainError `not_found` for an unknown attempt, `conflict` when its subscription has been removed since
   */
  resend(account: Account, deliveryId: string): ResentDelivery {
    // Migrating an old data folder: the attempt it resent is not in this run's log, and nothing is sent again.
    if (this.muted) return { delivery_id: this.sandbox.newId(), event_id: deliveryId, subscription_id: deliveryId };
    const sent = this.sent.get(account)?.get(deliveryId);
    if (!sent)
      throw new DomainError('not_found', 'DELIVERY_NOT_FOUND', `delivery_id: no delivery attempt ${deliveryId}`);
    const { subscription, event } = sent;
    if (!account.webhooks.has(subscription.id)) {
      throw new DomainError(
        'conflict',
        'SUBSCRIPTION_REMOVED',
        `delivery_id: subscription ${subscription.id} was removed`,
      );
    }
    let last = -1;
    for (const d of this.logs.get(account)?.deliveries ?? [])
      if (d.event_id === event.id && d.subscription_id === subscription.id) last = Math.max(last, d.retry_count);
    const id = this.attempt(account, subscription, event, last + 1, this.sandbox.clock.now(), true);
    return { delivery_id: id, event_id: event.id, subscription_id: subscription.id };
  }

  /**
   * Sends an event to every current subscriber of the account; returns its id. The id and the attempts' ids are
   * drawn now, in request order (seeded ids repeat); the body is signed once the account's key is ready (made off
   * the event loop on first use), and each attempt waits for that.
   */
  private send(account: Account, action: string, payload: unknown): string {
    const id = this.sandbox.newId();
    const subscriptions = account.webhooks.all();
    if (this.muted || subscriptions.length === 0) return id;
    const event = account.webhooks.keyPair().then((keys) => signedEvent(keys, id, action, payload));
    const now = this.sandbox.clock.now();
    for (const subscription of subscriptions) this.attempt(account, subscription, event, 0, now);
    return id;
  }

  /**
   * One attempt, due at `dueAt` on the clock. The next retry is due a delay after this one was due, not after it
   * finished: one large clock advance then runs every retry that falls within it, as the real schedule would.
   */
  private attempt(
    account: Account,
    subscription: WebhookSubscription,
    signing: SignedEvent | Promise<SignedEvent>,
    retry: number,
    dueAt: number,
    resend = false,
  ): string {
    const generation = this.generation;
    const attemptedAt = dueAt;
    // Drawn now, in the order attempts start, not when they end: seeded ids then repeat whatever the network does.
    const attemptId = this.sandbox.newId();
    const run = async () => {
      let event: SignedEvent;
      try {
        event = await signing;
      } catch {
        // The change is made and kept; only its webhook is lost, when the key it needs could not be kept (a full disk).
        return;
      }
      const { status, error, stopped, requestHeaders, durationMs } = full
        ? {
            error: `not sent: ${this.limits.queued} attempts are waiting already`,
            stopped: false,
            requestHeaders: {},
            durationMs: 0,
          }
        : await this.transport.post({ url: subscription.url, event, retryCount: retry });
      if (generation !== this.generation) return;
      const delivered = status !== undefined && status >= 200 && status < 300;
      const aborted = !delivered && stopped;
      const delay = resend ? undefined : RETRY_SCHEDULE_MINUTES[retry];
      const nextAt = !delivered && !aborted && delay !== undefined ? dueAt + delay * 60_000 : undefined;
      const entry: DeliveryAttempt = {
        id: attemptId,
        event_id: event.id,
        subscription_id: subscription.id,
        url: subscription.url,
        action: event.action,
        retry_count: retry,
        attempted_at: new Date(attemptedAt).toISOString(),
        outcome: delivered ? 'delivered' : aborted ? 'aborted' : 'failed',
        ...(status !== undefined ? { response_status: status } : {}),
        ...(error !== undefined ? { error } : {}),
        duration_ms: durationMs,
        ...(nextAt !== undefined ? { next_attempt_at: new Date(nextAt).toISOString() } : {}),
        ...(resend ? { resend: true } : {}),
        request_headers: requestHeaders,
        body: event.text,
      };
      const sent = this.sent.get(account) ?? new Map();
      sent.set(attemptId, { subscription, event });
      this.sent.set(account, sent);
      this.log(account, entry, attemptedAt);
      if (nextAt !== undefined) {
        this.pendingRetries.set(entry, { account, subscriptionId: subscription.id });
        this.sandbox.clock.schedule(nextAt, () => {
          // A retry cancelled since (its subscription removed, the sandbox or the account reset) is not made.
          if (!this.pendingRetries.delete(entry) || !this.sandbox.holds(account)) return;
          if (account.webhooks.has(subscription.id)) this.attempt(account, subscription, event, retry + 1, nextAt);
        });
      }
    };
    // A full queue: the attempt fails at once, without waiting for a slot.
    const full = !this.queue.hasRoom();
    if (full) void run();
    else this.queue.add(subscription, run);
    return attemptId;
  }

  /** Adds an attempt to the account's ring, oldest first by when it was made; the oldest past capacity is dropped. */
  private log(account: Account, entry: DeliveryAttempt, attemptedAt: number): void {
    let log = this.logs.get(account);
    if (!log) {
      log = { deliveries: [], dropped: 0 };
      this.logs.set(account, log);
    }
    const { deliveries } = log;
    // A slow attempt finishes after later ones.
    let at = deliveries.length;
    while (at > 0 && Date.parse((deliveries[at - 1] as DeliveryAttempt).attempted_at) > attemptedAt) at--;
    deliveries.splice(at, 0, entry);
    while (deliveries.length > this.limits.logCapacity) {
      const gone = deliveries.shift() as DeliveryAttempt;
      log.dropped++;
      // A dropped attempt can no longer be resent: its event is let go.
      this.sent.get(account)?.delete(gone.id);
    }
  }
}
