import { describe, expect, it } from 'vitest';
import type { ContractTarget } from '../target.js';
import {
  controlClient,
  expectError,
  freshchatClient,
  ok,
  SANDBOX_ONLY,
  SEED,
  sendControl,
  UNKNOWN_ID,
} from './context.js';

/** A URL nothing listens on: deliveries to it fail at once (connection refused). */
const REFUSING_URL = 'http://127.0.0.1:9/freshchat/webhook';

/**
 * Registers the checks of the sandbox's control API (`/_mock`, described by mock-control.yaml): reset, the clock,
 * accounts, statuses, agents, webhooks and the request journal. All of them are sandbox only.
 *
 * @example
 * describe('sandbox', () => controlApiChecks({ baseUrl, token, sandbox: true, control: { origin } }));
 */
export function controlApiChecks(target: ContractTarget): void {
  const sandboxIt = it.skipIf(!target.sandbox);
  const post = (path: string, body?: unknown) => sendControl(target, { method: 'POST', path, body });
  const patch = (path: string, body?: unknown) => sendControl(target, { method: 'PATCH', path, body });
  const del = (path: string) => sendControl(target, { method: 'DELETE', path });
  const get = (path: string) => sendControl(target, { method: 'GET', path });

  describe('control API: reset and the clock', () => {
    sandboxIt(`reset brings the seed back and keeps the clock's time ${SANDBOX_ONLY}`, async () => {
      const control = controlClient(target);
      ok(await control.POST('/_mock/statuses', { body: { name: 'Gone after reset' } }), 'create status');
      const before = Date.parse(ok(await control.GET('/_mock/clock'), 'clock').now);
      const reset = ok(await control.POST('/_mock/reset'), 'reset');
      expect(Date.parse(reset.now)).toBeGreaterThanOrEqual(before);
      const { states } = ok(await control.GET('/_mock/statuses'), 'statuses');
      expect(states.map((s) => s.name)).not.toContain('Gone after reset');
    });

    sandboxIt(`the clock moves forward by the seconds asked, never back ${SANDBOX_ONLY}`, async () => {
      const control = controlClient(target);
      const before = Date.parse(ok(await control.GET('/_mock/clock'), 'clock').now);
      const after = Date.parse(
        ok(await control.POST('/_mock/clock/advance', { body: { seconds: 3600 } }), 'advance').now,
      );
      expect(after - before).toBeGreaterThanOrEqual(3600_000);
      expect(after - before).toBeLessThan(3600_000 + 10_000);
    });

    sandboxIt(`the clock is set to an instant, frozen there and thawed again ${SANDBOX_ONLY}`, async () => {
      const control = controlClient(target);
      const before = Date.parse(ok(await control.GET('/_mock/clock'), 'clock').now);
      const instant = new Date(before + 60_000).toISOString();
      const set = ok(await control.POST('/_mock/clock', { body: { now: instant, frozen: true } }), 'set');
      expect(set).toEqual({ now: instant, frozen: true });
      expect(ok(await control.GET('/_mock/clock'), 'clock')).toEqual(set);
      const thawed = ok(await control.POST('/_mock/clock', { body: { frozen: false } }), 'thaw');
      expect(thawed.frozen).toBe(false);
      expect(Date.parse(thawed.now)).toBeGreaterThanOrEqual(Date.parse(instant));
    });

    sandboxIt(
      `400: an instant before the clock's time, naming now: the clock never goes back ${SANDBOX_ONLY}`,
      async () => {
        await expectError(await post('/_mock/clock', { now: '2001-01-01T00:00:00Z' }), 400, { field: 'now' });
        await expectError(await post('/_mock/clock', { frozen: 'yes' }), 400, { field: 'frozen' });
      },
    );

    sandboxIt(
      `400: an advance that is not more than 0 and at most ten years, naming seconds ${SANDBOX_ONLY}`,
      async () => {
        for (const body of [{ seconds: 0 }, { seconds: -5 }, { seconds: 315_576_001 }, { seconds: 'ten' }, {}]) {
          await expectError(await post('/_mock/clock/advance', body), 400, { field: 'seconds' });
        }
      },
    );
  });

  describe('control API: accounts', () => {
    sandboxIt(`the token's account: app id, admin and the two built-in statuses ${SANDBOX_ONLY}`, async () => {
      const account = ok(await controlClient(target).GET('/_mock/account'), 'account');
      expect(account).toEqual({
        app_id: SEED.appId,
        admin_id: SEED.adminId,
        built_in_statuses: {
          active: { id: SEED.activeStatusId, name: 'Active on IntelliAssign' },
          unavailable: { id: SEED.unavailableStatusId, name: 'Unavailable' },
        },
      });
    });

    sandboxIt(
      `201: a new account holds the built-in statuses only, or its seed, and sees only its own data ${SANDBOX_ONLY}`,
      async () => {
        const control = controlClient(target);
        const empty = ok(await control.POST('/_mock/accounts', { body: {} }), 'create account');
        expect(empty.app_id).not.toBe(SEED.appId);
        const emptyStatuses = ok(await controlClient(target, empty.token).GET('/_mock/statuses'), 'statuses');
        expect(emptyStatuses.states.map((s) => s.built_in)).toEqual([true, true]);
        expect(ok(await freshchatClient(target, empty.token).GET('/agents/status'), 'statuses').states).toEqual([]);

        const seeded = ok(
          await control.POST('/_mock/accounts', {
            body: {
              statuses: [{ name: 'On a call', emoji: '\u{1F4DE}' }],
              agents: [{ first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' }],
            },
          }),
          'create account',
        );
        const theirs = freshchatClient(target, seeded.token);
        expect(ok(await theirs.GET('/agents/status'), 'statuses').states.map((s) => s.name)).toEqual(['On a call']);
        const agents = ok(await theirs.GET('/agents', { params: { query: {} } }), 'agents').agents;
        expect(agents.map((a) => a.email)).toEqual(['ada@example.com']);
      },
    );

    sandboxIt(`400: a seed the schema refuses, naming the field ${SANDBOX_ONLY}`, async () => {
      await expectError(await post('/_mock/accounts', { token: 'short' }), 400, { field: 'token' });
      await expectError(await post('/_mock/accounts', { statuses: [{ name: '' }] }), 400, { field: 'name' });
    });

    sandboxIt(`409: a token another account has ${SANDBOX_ONLY}`, async () => {
      await expectError(await post('/_mock/accounts', { token: target.token }), 409, { field: 'token' });
    });
  });

  describe('control API: statuses', () => {
    sandboxIt(`the list holds the two built-in statuses first, then the custom ones ${SANDBOX_ONLY}`, async () => {
      const { states } = ok(await controlClient(target).GET('/_mock/statuses'), 'statuses');
      expect(states.slice(0, 2)).toEqual([
        { id: SEED.activeStatusId, name: 'Active on IntelliAssign', emoji: expect.any(String), built_in: true },
        { id: SEED.unavailableStatusId, name: 'Unavailable', emoji: expect.any(String), built_in: true },
      ]);
      expect(states.slice(2).map((s) => s.id)).toEqual(Object.values(SEED.customStatuses));
    });

    sandboxIt(`201, 200, 204: create, rename and delete a custom status ${SANDBOX_ONLY}`, async () => {
      const control = controlClient(target);
      const created = ok(
        await control.POST('/_mock/statuses', { body: { name: 'Dentist', emoji: '\u{1F9B7}' } }),
        'create',
      );
      expect(created).toMatchObject({ name: 'Dentist', built_in: false });
      const renamed = ok(
        await control.PATCH('/_mock/statuses/{status_id}', {
          params: { path: { status_id: created.id } },
          body: { name: 'Doctor' },
        }),
        'rename',
      );
      expect(renamed).toEqual({ ...created, name: 'Doctor' });
      const deleted = await control.DELETE('/_mock/statuses/{status_id}', {
        params: { path: { status_id: created.id } },
      });
      expect(deleted.response.status).toBe(204);
    });

    sandboxIt(`400: a blank name, or an empty patch ${SANDBOX_ONLY}`, async () => {
      await expectError(await post('/_mock/statuses', { name: '' }), 400, { field: 'name' });
      await expectError(await patch(`/_mock/statuses/${SEED.customStatuses.Lunch}`, {}), 400);
    });

    sandboxIt(`403: the built-in statuses cannot be edited or deleted ${SANDBOX_ONLY}`, async () => {
      await expectError(await patch(`/_mock/statuses/${SEED.activeStatusId}`, { name: 'Busy' }), 403);
      await expectError(await del(`/_mock/statuses/${SEED.unavailableStatusId}`), 403);
    });

    sandboxIt(`400: an id that is not a UUID, naming the parameter ${SANDBOX_ONLY}`, async () => {
      await expectError(await del('/_mock/statuses/not-a-uuid'), 400, { field: 'status_id' });
      await expectError(await get('/_mock/agents/not-a-uuid/history'), 400, { field: 'agent_id' });
      await expectError(await del('/_mock/webhooks/not-a-uuid'), 400, { field: 'subscription_id' });
      await expectError(await del('/_mock/faults/not-a-uuid'), 400, { field: 'fault_id' });
    });

    sandboxIt(`404: a status id no status has ${SANDBOX_ONLY}`, async () => {
      await expectError(await patch(`/_mock/statuses/${UNKNOWN_ID}`, { name: 'Busy' }), 404);
      await expectError(await del(`/_mock/statuses/${UNKNOWN_ID}`), 404);
    });

    sandboxIt(`409: a name another status has, and deleting a status an agent is on ${SANDBOX_ONLY}`, async () => {
      await expectError(await post('/_mock/statuses', { name: 'Lunch' }), 409, { field: 'name' });
      await expectError(await patch(`/_mock/statuses/${SEED.customStatuses.Lunch}`, { name: 'Break' }), 409, {
        field: 'name',
      });
      ok(
        await freshchatClient(target).PATCH('/agents/{agent_id}', {
          params: { path: { agent_id: SEED.agents.johnDoe } },
          body: { agent_status: { id: SEED.customStatuses.Lunch } },
        }),
        'patch',
      );
      await expectError(await del(`/_mock/statuses/${SEED.customStatuses.Lunch}`), 409);
    });
  });

  describe('control API: agents', () => {
    sandboxIt(
      `201: a new agent starts on "Active on IntelliAssign", and the API lists it ${SANDBOX_ONLY}`,
      async () => {
        const agent = ok(
          await controlClient(target).POST('/_mock/agents', { body: { first_name: 'Ada', last_name: 'Lovelace' } }),
          'create agent',
        );
        expect(agent).toMatchObject({
          first_name: 'Ada',
          last_name: 'Lovelace',
          availability_status: 'AVAILABLE',
          agent_status: { id: SEED.activeStatusId, name: 'Active on IntelliAssign' },
          is_deactivated: false,
        });
        const read = ok(
          await freshchatClient(target).GET('/agents/{agent_id}', { params: { path: { agent_id: agent.id } } }),
          'get agent',
        );
        expect(read).toEqual(agent);
      },
    );

    sandboxIt(`400: an agent without a first name; 409: an id another agent has ${SANDBOX_ONLY}`, async () => {
      await expectError(await post('/_mock/agents', { last_name: 'Nobody' }), 400, { field: 'first_name' });
      await expectError(
        await post('/_mock/agents', { id: SEED.agents.johnDoe, first_name: 'John', last_name: 'Again' }),
        409,
      );
    });

    sandboxIt(
      `201: simulated agents arrive with backfilled history, in an account of their own ${SANDBOX_ONLY}`,
      async () => {
        const account = ok(
          await controlClient(target).POST('/_mock/accounts', { body: { statuses: [{ name: 'Lunch' }] } }),
          'create account',
        );
        const control = controlClient(target, account.token);
        const made = ok(await control.POST('/_mock/simulate', { body: { agents: 3, days: 2, seed: 5 } }), 'simulate');
        expect(made.agents_created).toBe(3);
        expect(Date.parse(made.to) - Date.parse(made.from)).toBe(2 * 86_400_000);
        const agents = ok(
          await freshchatClient(target, account.token).GET('/agents', { params: { query: {} } }),
          'agents',
        ).agents;
        expect(agents).toHaveLength(3);
        let changes = 0;
        for (const agent of agents) {
          const { history } = ok(
            await control.GET('/_mock/agents/{agent_id}/history', { params: { path: { agent_id: agent.id } } }),
            'history',
          );
          expect(history[0]).toMatchObject({ at: made.from, from: null });
          expect(history.slice(1).every((h) => h.actor.actor_type === 'agent' && h.actor.actor_id === agent.id)).toBe(
            true,
          );
          changes += history.length;
        }
        expect(changes).toBe(made.changes);
      },
    );

    sandboxIt(`400: a simulation out of its limits, naming the field ${SANDBOX_ONLY}`, async () => {
      await expectError(await post('/_mock/simulate', { agents: 0, days: 1, seed: 1 }), 400, { field: 'agents' });
      await expectError(
        await post('/_mock/simulate', { agents: 1, days: 1, seed: 1, until: '2999-01-01T00:00:00Z' }),
        400,
        {
          field: 'until',
        },
      );
    });

    sandboxIt(`200: a change made as the agent is recorded with the agent as actor ${SANDBOX_ONLY}`, async () => {
      const control = controlClient(target);
      const path = { agent_id: SEED.agents.mattGibson };
      const result = ok(
        await control.POST('/_mock/agents/{agent_id}/status', {
          params: { path },
          body: { agent_status: { id: SEED.customStatuses['Tea break'] } },
        }),
        'change as agent',
      );
      expect(result).toEqual({
        availability_status: 'UNAVAILABLE',
        agent_status: { id: SEED.customStatuses['Tea break'], name: 'Tea break' },
      });
      const { agent_id, history } = ok(
        await control.GET('/_mock/agents/{agent_id}/history', { params: { path } }),
        'history',
      );
      expect(agent_id).toBe(SEED.agents.mattGibson);
      expect(history[0]).toMatchObject({ from: null, to: { id: SEED.activeStatusId } });
      expect(history.at(-1)).toMatchObject({
        actor: { actor_type: 'agent', actor_id: SEED.agents.mattGibson },
        to: { id: SEED.customStatuses['Tea break'], name: 'Tea break' },
      });
    });

    sandboxIt(
      `400, 404, 409: a change as the agent with a bad body, for an unknown or a deactivated agent ${SANDBOX_ONLY}`,
      async () => {
        await expectError(
          await post(`/_mock/agents/${SEED.agents.mattGibson}/status`, { agent_status: { id: 'tea' } }),
          400,
          { field: 'agent_status.id' },
        );
        await expectError(await post(`/_mock/agents/${UNKNOWN_ID}/status`, { availability_status: 'AVAILABLE' }), 404);
        await expectError(await get(`/_mock/agents/${UNKNOWN_ID}/history`), 404);
        const deactivated = ok(
          await controlClient(target).POST('/_mock/agents', {
            body: { first_name: 'Dee', last_name: 'Activated', is_deactivated: true },
          }),
          'create agent',
        );
        await expectError(
          await post(`/_mock/agents/${deactivated.id}/status`, { availability_status: 'UNAVAILABLE' }),
          409,
        );
      },
    );
  });

  describe('control API: logging agents in and out', () => {
    sandboxIt(`200: an agent logs out and back in; GET /v2/agents/{id} shows it ${SANDBOX_ONLY}`, async () => {
      const control = controlClient(target);
      const agent = ok(await control.POST('/_mock/agents', { body: { first_name: 'Lo', last_name: 'Gin' } }), 'agent');
      expect(agent.login_status).toBe(true);
      const params = { path: { agent_id: agent.id } };
      const out = ok(await control.PATCH('/_mock/agents/{agent_id}', { params, body: { login_status: false } }), 'out');
      expect(out).toMatchObject({ id: agent.id, login_status: false });
      const read = ok(await freshchatClient(target).GET('/agents/{agent_id}', { params }), 'get agent');
      expect(read.login_status).toBe(false);
      const back = ok(await control.PATCH('/_mock/agents/{agent_id}', { params, body: { login_status: true } }), 'in');
      expect(back.login_status).toBe(true);
    });

    sandboxIt(`400: a login_status that is not a boolean; 404: an unknown agent ${SANDBOX_ONLY}`, async () => {
      await expectError(await patch(`/_mock/agents/${SEED.agents.johnDoe}`, { login_status: 'no' }), 400, {
        field: 'login_status',
      });
      await expectError(await patch(`/_mock/agents/${UNKNOWN_ID}`, { login_status: false }), 404);
    });
  });

  describe('control API: webhooks', () => {
    sandboxIt(`201, 200, 204, 404: subscribe, subscribe again, list and unsubscribe ${SANDBOX_ONLY}`, async () => {
      const control = controlClient(target);
      const subscribed = await control.POST('/_mock/webhooks', { body: { url: REFUSING_URL } });
      expect(subscribed.response.status).toBe(201);
      const subscription = ok(subscribed, 'subscribe');
      expect(subscription.url).toBe(REFUSING_URL);
      const again = await control.POST('/_mock/webhooks', { body: { url: REFUSING_URL } });
      expect(again.response.status, 'the same URL again: the existing subscription').toBe(200);
      expect(again.data).toEqual(subscription);
      expect(ok(await control.GET('/_mock/webhooks'), 'list').subscriptions).toEqual([subscription]);
      const removed = await control.DELETE('/_mock/webhooks/{subscription_id}', {
        params: { path: { subscription_id: subscription.id } },
      });
      expect(removed.response.status).toBe(204);
      await expectError(await del(`/_mock/webhooks/${subscription.id}`), 404);
      expect(ok(await control.GET('/_mock/webhooks'), 'list').subscriptions).toEqual([]);
    });

    sandboxIt(`400: a URL that is not http(s), naming url ${SANDBOX_ONLY}`, async () => {
      await expectError(await post('/_mock/webhooks', { url: 'ftp://example.com/hook' }), 400, { field: 'url' });
      await expectError(await post('/_mock/webhooks', { url: 'not a url' }), 400, { field: 'url' });
    });

    sandboxIt(
      `202: a triggered event goes to every subscriber, and its failed attempt is in the delivery log ${SANDBOX_ONLY}`,
      async () => {
        const control = controlClient(target);
        ok(await control.POST('/_mock/webhooks', { body: { url: REFUSING_URL } }), 'subscribe');
        const fired = ok(
          await control.POST('/_mock/webhooks/trigger', { body: { action: 'message_create' } }),
          'trigger',
        );
        expect(fired).toMatchObject({
          action: 'message_create',
          subscribers: 1,
          payload: { action: 'message_create' },
        });
        let deliveries: { event_id: string; outcome: string }[] = [];
        for (let tries = 0; tries < 50 && deliveries.length === 0; tries++) {
          deliveries = ok(await control.GET('/_mock/webhooks/deliveries'), 'deliveries').deliveries;
          if (deliveries.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(deliveries[0]).toMatchObject({ event_id: fired.event_id, outcome: 'failed', retry_count: 0 });
      },
    );

    sandboxIt(
      `resend: 202 sends an attempt's event again; 404 an unknown attempt; 400 a malformed id; 409 once unsubscribed ${SANDBOX_ONLY}`,
      async () => {
        const control = controlClient(target);
        const subscription = ok(await control.POST('/_mock/webhooks', { body: { url: REFUSING_URL } }), 'subscribe');
        const fired = ok(await control.POST('/_mock/webhooks/trigger', { body: { action: 'message_create' } }), 'fire');
        let attempt: { id: string } | undefined;
        for (let tries = 0; tries < 50 && !attempt; tries++) {
          const { deliveries } = ok(await control.GET('/_mock/webhooks/deliveries'), 'deliveries');
          attempt = deliveries.find((d) => d.event_id === fired.event_id);
          if (!attempt) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const id = attempt?.id as string;
        const resent = await post(`/_mock/webhooks/deliveries/${id}/resend`);
        expect(resent.status).toBe(202);
        expect(await resent.json()).toMatchObject({ event_id: fired.event_id, subscription_id: subscription.id });
        await expectError(await post(`/_mock/webhooks/deliveries/${UNKNOWN_ID}/resend`), 404, { field: 'delivery_id' });
        await expectError(await post('/_mock/webhooks/deliveries/not-a-uuid/resend'), 400, { field: 'delivery_id' });
        expect((await del(`/_mock/webhooks/${subscription.id}`)).status).toBe(204);
        await expectError(await post(`/_mock/webhooks/deliveries/${id}/resend`), 409, { field: 'delivery_id' });
      },
    );

    sandboxIt(`400: an action the document does not describe ${SANDBOX_ONLY}`, async () => {
      await expectError(await post('/_mock/webhooks/trigger', { action: 'agent_teleported' }), 400, {
        field: 'action',
      });
    });

    sandboxIt(`the signing key is a PEM public key ${SANDBOX_ONLY}`, async () => {
      const response = await get('/_mock/webhooks/public-key');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/x-pem-file/);
      expect(await response.text()).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n?$/);
    });

    sandboxIt(
      `format=freshchat serves the key on one line as Freshchat shows it; 400 for another format ${SANDBOX_ONLY}`,
      async () => {
        const response = await get('/_mock/webhooks/public-key?format=freshchat');
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
        expect(await response.text()).toMatch(
          /^-----BEGIN RSA PUBLIC KEY----- [A-Za-z0-9+/=]+ -----END RSA PUBLIC KEY-----$/,
        );
        await expectError(await get('/_mock/webhooks/public-key?format=der'), 400, { field: 'format' });
      },
    );
  });

  describe('control API: reports and the inspector feed', () => {
    sandboxIt(`200: the account's report jobs ${SANDBOX_ONLY}`, async () => {
      const { reports } = ok(await controlClient(target).GET('/_mock/reports'), 'reports');
      expect(Array.isArray(reports)).toBe(true);
    });

    sandboxIt(`200: an event stream whose first event is a snapshot of the account ${SANDBOX_ONLY}`, async () => {
      const response = await get('/_mock/inspector/events');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const { value } = await reader.read();
      await reader.cancel();
      const event = new TextDecoder().decode(value);
      expect(event).toMatch(/^event: snapshot\ndata: /);
      const snapshot = JSON.parse(event.slice(event.indexOf('data: ') + 6));
      expect(snapshot.agents.map((a: { id: string }) => a.id)).toContain(SEED.agents.johnDoe);
    });
  });

  describe('control API: request journal', () => {
    sandboxIt(`200: the last requests, newest last; 400: a limit below 1 ${SANDBOX_ONLY}`, async () => {
      ok(await freshchatClient(target).GET('/agents/status'), 'list statuses');
      const { requests } = ok(
        await controlClient(target).GET('/_mock/requests', { params: { query: { limit: 1 } } }),
        'journal',
      );
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({
        method: 'GET',
        path: '/v2/agents/status',
        operation: 'listAgentStatuses',
        status: 200,
      });
      await expectError(await get('/_mock/requests?limit=0'), 400, { field: 'limit' });
    });
  });
}
