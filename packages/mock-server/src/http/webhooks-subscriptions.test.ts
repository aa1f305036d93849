import { describe, expect, it } from 'vitest';
import { IDS, iso, patchAgent, T0 } from '../testing/sandbox-harness.js';
import { MINUTE, sandboxWithEndpoints, UUID } from '../testing/webhook-endpoints.js';

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
