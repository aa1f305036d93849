import { sign } from 'node:crypto';
import type { ControlComponents } from '@freshchat-sandbox/client';
import type { Account } from './account.js';
import type { Sandbox, StatusChangeEvent } from './sandbox.js';
import { SandboxError } from './sandbox-error.js';
import type { WebhookSubscription } from './webhook-subscriptions.js';

/** Clock-minutes to wait before each retry of a failed delivery: six attempts in all. */
export const RETRY_SCHEDULE_MINUTES = [1, 5, 30, 120, 360] as const;

/** Payload format version sent in `X-Freshchat-Payload-Version`. */
export const PAYLOAD_VERSION = '1';

/** One delivery attempt, as `GET /_mock/webhooks/deliveries` lists it (the control API's `WebhookDelivery`). */
export type DeliveryAttempt = ControlComponents['schemas']['WebhookDelivery'];

/** A signed event, ready to send: the exact bytes, and the signature over them. */
type SignedEvent = { id: string; action: string; body: Uint8Array<ArrayBuffer>; text: string; signature: string };

/** What a resend started: the new attempt's id, the event and the subscriber. */
export type ResentDelivery = { delivery_id: string; event_id: string; subscription_id: string };

/** How deliveries are made. */
export type DispatcherOptions = {
  /** The fetch that reaches subscribers; an in-process receiver can be plugged in here. */
  fetch?: typeof fetch | undefined;
  /** Real milliseconds before an attempt counts as timed out. */
  timeoutMs?: number | undefined;
};

/**
 * Sends every status change to the account's subscribers as Freshchat's signed `agent_availability` webhook, off
 * the request's path. A failed attempt (non-2xx, timeout, refused) is retried on the virtual clock after 1, 5, 30,
 * 120 and 360 minutes; every attempt is logged.
 *
 * @example
 * const dispatcher = new WebhookDispatcher(sandbox);
 * await dispatcher.idle(); // every attempt under way has finished
 */
export class WebhookDispatcher {
  private logs = new WeakMap<Account, DeliveryAttempt[]>();
  /** Failed attempts whose retry is scheduled and not yet made, with the subscription it goes to. */
  private pendingRetries = new Map<DeliveryAttempt, { account: Account; subscriptionId: string }>();
  /** What each logged attempt sent, by attempt id, so that it can be sent again. */
  private sent = new WeakMap<Account, Map<string, { subscription: WebhookSubscription; event: SignedEvent }>>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Aborted by `abort()`: every attempt under way (and any made after) ends at once, logged as aborted. */
  private readonly stopping = new AbortController();
  private generation = 0;
  /** While set (a durable sandbox replaying its log), status changes send nothing: they were sent the first time. */
  muted = false;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(
    private readonly sandbox: Sandbox,
    options: DispatcherOptions = {},
  ) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    sandbox.onStatusChange((event) => this.dispatch(event));
    sandbox.onReset(() => {
      // Attempts under way when the sandbox resets finish unlogged: they belong to a world that is gone.
      this.generation++;
      this.logs = new WeakMap();
      this.pendingRetries = new Map();
      this.sent = new WeakMap();
    });
  }

  /** The account's delivery attempts, oldest first. */
  deliveries(account: Account): DeliveryAttempt[] {
    return [...(this.logs.get(account) ?? [])];
  }

  /** Resolves once no attempt is under way (retries scheduled on the clock are not waited for). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Cancels the retries scheduled for a subscription that is being removed: each failed attempt that promised one
   * loses its `next_attempt_at` and gets `retry_cancelled_at`, so the log never promises an attempt that will not
   * be made.
   */
  cancelRetries(account: Account, subscriptionId: string): void {
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
    this.stopping.abort();
    await this.idle();
  }

  /** Signs an event body with the account's key. */
  signEvent(account: Account, action: string, payload: unknown): SignedEvent {
    const text = JSON.stringify(payload);
    const body = new TextEncoder().encode(text);
    const signature = sign('sha256', body, account.webhooks.keyPair().privateKey).toString('base64');
    return { id: this.sandbox.newId(), action, body, text, signature };
  }

  /**
   * Sends a logged attempt's event again to its subscriber, at once: same bytes, signature and event id, with
   * `X-Retry-Count` one more than the event's last attempt there. A failed resend schedules no retries.
   *
   * @throws SandboxError 404 for an unknown attempt, 409 when its subscription has been removed since
   */
  resend(account: Account, deliveryId: string): ResentDelivery {
    // Replaying a durable log: the attempt it resent is not in this run's log, and nothing is sent again.
    if (this.muted) return { delivery_id: this.sandbox.newId(), event_id: deliveryId, subscription_id: deliveryId };
    const sent = this.sent.get(account)?.get(deliveryId);
    if (!sent) throw new SandboxError(404, 'DELIVERY_NOT_FOUND', `delivery_id: no delivery attempt ${deliveryId}`);
    const { subscription, event } = sent;
    if (!account.webhooks.has(subscription.id)) {
      throw new SandboxError(409, 'SUBSCRIPTION_REMOVED', `delivery_id: subscription ${subscription.id} was removed`);
    }
    let last = -1;
    for (const d of this.logs.get(account) ?? [])
      if (d.event_id === event.id && d.subscription_id === subscription.id) last = Math.max(last, d.retry_count);
    const id = this.attempt(account, subscription, event, last + 1, this.sandbox.clock.now(), true);
    return { delivery_id: id, event_id: event.id, subscription_id: subscription.id };
  }

  /** Sends a signed event to every current subscriber of the account. */
  send(account: Account, event: SignedEvent): void {
    if (this.muted) return;
    const now = this.sandbox.clock.now();
    for (const subscription of account.webhooks.all()) this.attempt(account, subscription, event, 0, now);
  }

  private dispatch({ account, result, actor, at }: StatusChangeEvent): void {
    if (this.muted || account.webhooks.all().length === 0) return;
    const payload = {
      actor: { actor_type: actor.type, actor_id: actor.id },
      action: 'agent_availability',
      action_time: new Date(at).toISOString(),
      data: {
        agent_availability: {
          status: result.availability,
          routing_type: result.agent.routingType,
          app_id: account.appId,
          agent_id: result.agent.id,
          metadata: { agent_status: { id: result.status.id, name: result.status.name } },
        },
      },
    };
    this.send(account, this.signEvent(account, 'agent_availability', payload));
  }

  /**
   * One attempt, due at `dueAt` on the clock. The next retry is due a delay after this one was due, not after it
   * finished: one large clock advance then runs every retry that falls within it, as the real schedule would.
   */
  private attempt(
    account: Account,
    subscription: WebhookSubscription,
    event: SignedEvent,
    retry: number,
    dueAt: number,
    resend = false,
  ): string {
    const generation = this.generation;
    const attemptedAt = dueAt;
    // Drawn now, in the order attempts start, not when they end: seeded ids then repeat whatever the network does.
    const attemptId = this.sandbox.newId();
    const started = performance.now();
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': 'Freshchat-Sandbox-Webhook/1',
      'X-Freshchat-Signature': event.signature,
      'X-Freshchat-Payload-Version': PAYLOAD_VERSION,
      'X-Retry-Count': String(retry),
      'X-Sandbox-Event-Id': event.id,
    };
    const run = (async () => {
      let status: number | undefined;
      let error: string | undefined;
      try {
        const response = await this.fetch(subscription.url, {
          method: 'POST',
          body: event.body,
          headers,
          signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.stopping.signal]),
          redirect: 'manual',
        });
        status = response.status;
        await response.body?.cancel();
      } catch (caught) {
        const cause = (caught as { cause?: { code?: string } }).cause?.code;
        error =
          (caught as Error).name === 'TimeoutError'
            ? `timeout after ${this.timeoutMs} ms`
            : this.stopping.signal.aborted
              ? 'aborted: the sandbox stopped'
              : (cause ?? (caught as Error).message);
      }
      if (generation !== this.generation) return;
      const delivered = status !== undefined && status >= 200 && status < 300;
      const aborted = !delivered && this.stopping.signal.aborted;
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
        duration_ms: Math.round(performance.now() - started),
        ...(nextAt !== undefined ? { next_attempt_at: new Date(nextAt).toISOString() } : {}),
        ...(resend ? { resend: true } : {}),
        request_headers: headers,
        body: event.text,
      };
      const log = this.logs.get(account) ?? [];
      // Oldest first by when the attempt was made: a slow attempt finishes after later ones.
      let at = log.length;
      while (at > 0 && Date.parse((log[at - 1] as DeliveryAttempt).attempted_at) > attemptedAt) at--;
      log.splice(at, 0, entry);
      this.logs.set(account, log);
      const sent = this.sent.get(account) ?? new Map();
      sent.set(attemptId, { subscription, event });
      this.sent.set(account, sent);
      if (nextAt !== undefined) {
        this.pendingRetries.set(entry, { account, subscriptionId: subscription.id });
        this.sandbox.clock.schedule(nextAt, () => {
          // A retry cancelled since (its subscription removed, or the sandbox reset) is not made.
          if (!this.pendingRetries.delete(entry)) return;
          if (account.webhooks.has(subscription.id)) this.attempt(account, subscription, event, retry + 1, nextAt);
        });
      }
    })();
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
    return attemptId;
  }
}
