import { parseWebhook, SIGNATURE_HEADER, verifySignature } from '@freshchat-sandbox/webhook-types';
import { describe, expect, it } from 'vitest';
import { IDS, iso, T0 } from '../testing/sandbox-harness.js';
import { account, type Delivery, sandboxWithEndpoints, UUID } from '../testing/webhook-endpoints.js';

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
