/**
 * The dispatcher's rules without HTTP: a scripted transport stands in for the receivers, so what is tested is who
 * gets an attempt, when retries fall due on the clock, and what the log says. The HTTP side is tested in
 * `http/webhooks-*.test.ts`; the transport beside `adapters/fetch-webhook-transport.ts`.
 */
import { describe, expect, it } from 'vitest';
import type { Account } from '../accounts/account.js';
import { SANDBOX_TOKEN } from '../accounts/default-seed.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import { Sandbox } from '../sandbox.js';
import type { DeliveryLimits } from './delivery-queue.js';
import { RETRY_SCHEDULE_MINUTES, WebhookDispatcher } from './webhook-dispatcher.js';
import type { WebhookPost, WebhookPostResult, WebhookTransport } from './webhook-transport.js';

const T0 = Date.parse('2030-06-15T12:00:00.000Z');
const JOHN = 'afd5102c-5443-4fe3-a069-4fe25189a0a1';
const ADMIN = { type: 'admin', id: 'admin' } as const;

/** A transport that answers each post with the next scripted status (the last one repeats), and records the posts. */
class ScriptedTransport implements WebhookTransport {
  readonly posts: WebhookPost[] = [];
  private stopped = false;

  constructor(private readonly statuses: number[]) {}

  async post(attempt: WebhookPost): Promise<WebhookPostResult> {
    this.posts.push(attempt);
    const status = this.statuses[Math.min(this.posts.length, this.statuses.length) - 1] as number;
    const requestHeaders = { 'X-Retry-Count': String(attempt.retryCount) };
    // Each attempt "takes" 40 ms more than the one before, so the log's duration_ms is the transport's figure.
    const durationMs = 40 * this.posts.length;
    return this.stopped
      ? { error: 'stopped', stopped: true, requestHeaders, durationMs }
      : { status, stopped: false, requestHeaders, durationMs };
  }

  stop(): void {
    this.stopped = true;
  }
}

function dispatcherWith(statuses: number[], limits: Partial<DeliveryLimits> = {}) {
  const sandbox = new Sandbox({ clock: VirtualClock.frozenAt(T0) });
  const transport = new ScriptedTransport(statuses);
  const dispatcher = new WebhookDispatcher(sandbox, transport, limits);
  const account = sandbox.authenticate(SANDBOX_TOKEN) as Account;
  const change = (availability: 'AVAILABLE' | 'UNAVAILABLE') =>
    sandbox.changeStatus(account, JOHN, { availability_status: availability }, ADMIN);
  return { sandbox, transport, dispatcher, account, change };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('WebhookDispatcher', () => {
  it('sends a status change to every subscriber, and nothing for a change that changes nothing', async () => {
    const { transport, dispatcher, account, change } = dispatcherWith([200]);
    account.webhooks.add('http://one.test/hook', T0);
    account.webhooks.add('http://two.test/hook', T0);

    change('AVAILABLE');
    change('UNAVAILABLE');
    await dispatcher.idle();

    expect(transport.posts.map((p) => [p.url, p.retryCount, p.event.action])).toEqual([
      ['http://one.test/hook', 0, 'agent_availability'],
      ['http://two.test/hook', 0, 'agent_availability'],
    ]);
    expect(transport.posts[0]?.event).toBe(transport.posts[1]?.event);
    expect(dispatcher.deliveries(account).map((d) => d.outcome)).toEqual(['delivered', 'delivered']);
  });

  it('retries a failed attempt after each delay of RETRY_SCHEDULE_MINUTES on the clock, then gives up', async () => {
    const { sandbox, transport, dispatcher, account, change } = dispatcherWith([500]);
    account.webhooks.add('http://receiver.test/hook', T0);
    change('UNAVAILABLE');
    await dispatcher.idle();

    for (const minutes of RETRY_SCHEDULE_MINUTES) {
      const before = transport.posts.length;
      sandbox.clock.advance(minutes * 60 - 1);
      await dispatcher.idle();
      expect(transport.posts.length, `a second before the ${minutes}-minute retry`).toBe(before);
      sandbox.clock.advance(1);
      await dispatcher.idle();
      expect(transport.posts.length, `at the ${minutes}-minute retry`).toBe(before + 1);
    }
    sandbox.clock.advance(24 * 3600);
    await dispatcher.idle();

    expect(transport.posts.map((p) => p.retryCount)).toEqual([0, 1, 2, 3, 4, 5]);
    const log = dispatcher.deliveries(account);
    expect(log.map((d) => d.next_attempt_at)).toEqual([...log.slice(1).map((d) => d.attempted_at), undefined]);
    expect(log.every((d) => d.outcome === 'failed' && d.response_status === 500)).toBe(true);
    expect(log.map((d) => d.duration_ms)).toEqual([40, 80, 120, 160, 200, 240]);
  });

  it('cancels the pending retry of a subscription removed by unsubscribe, and says so in the log', async () => {
    const { sandbox, transport, dispatcher, account, change } = dispatcherWith([500]);
    const { subscription } = account.webhooks.add('http://receiver.test/hook', T0);
    change('UNAVAILABLE');
    await dispatcher.idle();
    sandbox.clock.advance(30);

    dispatcher.unsubscribe(account, subscription.id);
    sandbox.clock.advance(24 * 3600);
    await dispatcher.idle();

    expect(transport.posts).toHaveLength(1);
    const [entry] = dispatcher.deliveries(account);
    expect(entry).toMatchObject({ outcome: 'failed', retry_cancelled_at: iso(T0 + 30_000) });
    expect(entry).not.toHaveProperty('next_attempt_at');
    expect(() => dispatcher.unsubscribe(account, subscription.id)).toThrow(/subscription not found/);
  });

  it('sends nothing while muted, and sends again once the muted call has settled', async () => {
    const { transport, dispatcher, account, change } = dispatcherWith([200]);
    account.webhooks.add('http://receiver.test/hook', T0);

    const answer = await dispatcher.whileMuted(async () => {
      change('UNAVAILABLE');
      return dispatcher.trigger(account, { action: 'message_create' });
    });
    await dispatcher.idle();
    expect(transport.posts).toEqual([]);
    expect(answer.payload.action).toBe('message_create');

    change('AVAILABLE');
    await dispatcher.idle();
    expect(transport.posts).toHaveLength(1);
  });

  it('logs an attempt that ends after abort() as aborted, with no retry', async () => {
    const { sandbox, transport, dispatcher, account, change } = dispatcherWith([500]);
    account.webhooks.add('http://receiver.test/hook', T0);

    await dispatcher.abort();
    change('UNAVAILABLE');
    await dispatcher.idle();
    sandbox.clock.advance(24 * 3600);
    await dispatcher.idle();

    expect(transport.posts).toHaveLength(1);
    const [entry] = dispatcher.deliveries(account);
    expect(entry).toMatchObject({ outcome: 'aborted', error: 'stopped' });
    expect(entry).not.toHaveProperty('next_attempt_at');
  });

  it('keeps the last logCapacity attempts per account, counts the dropped ones, and cannot resend those', async () => {
    const { dispatcher, account, change } = dispatcherWith([200], { logCapacity: 3 });
    account.webhooks.add('http://receiver.test/hook', T0);
    for (let i = 0; i < 5; i++) change(i % 2 === 0 ? 'UNAVAILABLE' : 'AVAILABLE');
    await dispatcher.idle();

    const log = dispatcher.deliveryLog(account);
    expect(log.deliveries).toHaveLength(3);
    expect(log.dropped).toBe(2);
    const [kept] = log.deliveries;
    expect(() => dispatcher.resend(account, kept?.id as string)).not.toThrow();
    await dispatcher.idle();
    expect(dispatcher.deliveryLog(account).dropped).toBe(3);
    // The oldest kept one was dropped by the resend's own entry.
    expect(() => dispatcher.resend(account, kept?.id as string)).toThrow(/no delivery attempt/);
  });

  it('fails an attempt at once, without sending it, when the queue is full, and schedules its retry', async () => {
    const { transport, dispatcher, account, change } = dispatcherWith([200], { queued: 1 });
    account.webhooks.add('http://one.test/hook', T0);
    account.webhooks.add('http://two.test/hook', T0);
    change('UNAVAILABLE');
    await dispatcher.idle();

    expect(transport.posts.map((p) => p.url)).toEqual(['http://one.test/hook']);
    const refused = dispatcher.deliveries(account).find((d) => d.url === 'http://two.test/hook');
    expect(refused).toMatchObject({
      outcome: 'failed',
      error: 'not sent: 1 attempts are waiting already',
      next_attempt_at: iso(T0 + 60_000),
    });
  });
});
