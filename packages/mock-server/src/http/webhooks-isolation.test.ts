import { SIGNATURE_HEADER, verifySignature } from '@freshchat-sandbox/webhook-types';
import { describe, expect, it, vi } from 'vitest';
import { IDS, patchAgent } from '../testing/sandbox-harness.js';
import { type Delivery, sandboxWithEndpoints } from '../testing/webhook-endpoints.js';

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
