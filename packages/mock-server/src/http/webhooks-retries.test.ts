import { EVENT_ID_HEADER, RETRY_COUNT_HEADER } from '@freshchat-sandbox/webhook-types';
import { describe, expect, it, vi } from 'vitest';
import { IDS, iso, patchAgent, setAsAgent, T0 } from '../testing/sandbox-harness.js';
import { type Delivery, MINUTE, sandboxWithEndpoints } from '../testing/webhook-endpoints.js';

const RETRY_MINUTES = [1, 5, 30, 120, 360];

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
