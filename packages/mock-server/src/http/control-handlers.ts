import type { components } from '@freshchat-sandbox/openapi/types/freshchat';
import { ACTIVE_STATUS_ID, type AgentStatus, UNAVAILABLE_STATUS_ID } from '../domain/agents/agent-status.js';
import { freshchatKeyLine } from '../domain/webhooks/webhook-subscriptions.js';
import type { ControlOperationId } from '../generated/documents.js';
import { agentView } from './agent-view.js';
import { clockView, journalEntryView, subscriptionView } from './control-views.js';
import type { InspectorOperationId } from './inspector-handlers.js';
import type { OperationHandlers } from './operation-types.js';
import { reportJobView } from './report-view.js';
import type { storageHandlers } from './storage-handlers.js';
import type { DispatcherOperationId } from './webhook-handlers.js';

/** The control API's operations answered here: all but the storage download, the dispatcher's and the inspector's. */
type ControlHandlerId = Exclude<
  ControlOperationId,
  keyof typeof storageHandlers | DispatcherOperationId | InspectorOperationId
>;

const managed = (s: AgentStatus) => ({ id: s.id, name: s.name, emoji: s.emoji, built_in: s.builtIn });
const ref = (s: { id: string; name: string }): components['schemas']['AgentStatusRef'] => ({ id: s.id, name: s.name });
const iso = (ms: number) => new Date(ms).toISOString();

/** Handlers of the control API (`/_mock`), except those of webhook deliveries, which the dispatcher answers. */
export const controlHandlers: OperationHandlers<ControlHandlerId> = {
  resetSandbox: ({ sandbox }) => {
    sandbox.reset();
    return { status: 200, body: clockView(sandbox.clock) };
  },

  getClock: ({ sandbox }) => ({ status: 200, body: clockView(sandbox.clock) }),

  setClock: ({ sandbox, body }) => {
    if (body.now !== undefined) sandbox.clock.set(Date.parse(body.now), { frozen: body.frozen });
    else if (body.frozen === true) sandbox.clock.freeze();
    else if (body.frozen === false) sandbox.clock.unfreeze();
    return { status: 200, body: clockView(sandbox.clock) };
  },

  advanceClock: ({ sandbox, body }) => {
    sandbox.clock.advance(body.seconds);
    return { status: 200, body: clockView(sandbox.clock) };
  },

  getAccount: ({ account }) => ({
    status: 200,
    body: {
      app_id: account.appId,
      admin_id: account.adminId,
      built_in_statuses: {
        active: ref(account.statuses.get(ACTIVE_STATUS_ID)),
        unavailable: ref(account.statuses.get(UNAVAILABLE_STATUS_ID)),
      },
    },
  }),

  createAccount: ({ sandbox, body }) => {
    const created = sandbox.createAccount(body ?? {});
    return { status: 201, body: { app_id: created.appId, token: created.token } };
  },

  listManagedStatuses: ({ account }) => ({ status: 200, body: { states: account.statuses.all().map(managed) } }),

  createStatus: ({ account, body }) => ({ status: 201, body: managed(account.statuses.create(body)) }),

  updateStatus: ({ account, path, body }) => ({
    status: 200,
    body: managed(account.statuses.update(path.status_id, body)),
  }),

  deleteStatus: ({ account, path }) => {
    account.statuses.delete(path.status_id, account.agents.countOn(path.status_id));
    return { status: 204 };
  },

  createAgent: ({ account, sandbox, body }) => {
    const agent = account.agents.hire(
      {
        id: body.id,
        firstName: body.first_name,
        lastName: body.last_name,
        email: body.email,
        isDeactivated: body.is_deactivated,
        loginStatus: body.login_status,
        routingType: body.routing_type,
        groups: body.groups,
        statusId: body.agent_status_id,
        since: body.since === undefined ? undefined : Date.parse(body.since),
        actor: { type: 'admin', id: account.adminId },
      },
      sandbox.clock.now(),
    );
    return { status: 201, body: agentView(account, agent) };
  },

  updateAgentLogin: ({ account, path, body }) => ({
    status: 200,
    body: agentView(account, account.agents.setLoginStatus(path.agent_id, body.login_status)),
  }),

  setAgentStatusAsAgent: ({ account, sandbox, path, body }) => {
    const result = sandbox.changeStatus(account, path.agent_id, body, { type: 'agent', id: path.agent_id });
    return { status: 200, body: { availability_status: result.availability, agent_status: ref(result.status) } };
  },

  getAgentHistory: ({ account, path }) => {
    account.agents.get(path.agent_id);
    return {
      status: 200,
      body: {
        agent_id: path.agent_id,
        history: account.history.forAgent(path.agent_id).map((entry) => {
          const previous = account.history.previousOf(entry);
          return {
            at: iso(entry.at),
            actor: { actor_type: entry.actor.type, actor_id: entry.actor.id },
            from: previous ? { id: previous.statusId, name: previous.statusName } : null,
            to: { id: entry.statusId, name: entry.statusName },
          };
        }),
      },
    };
  },

  simulateHistory: ({ account, sandbox, body }) => {
    const made = account.simulate(body, sandbox.clock.now());
    return {
      status: 201,
      body: { agents_created: made.agentIds.length, changes: made.changes, from: iso(made.from), to: iso(made.to) },
    };
  },

  listWebhookSubscriptions: ({ account }) => ({
    status: 200,
    body: {
      subscriptions: account.webhooks.all().map(subscriptionView),
    },
  }),

  subscribeWebhook: ({ account, sandbox, body }) => {
    const { subscription, created } = account.webhooks.add(body.url, sandbox.clock.now());
    return { status: created ? 201 : 200, body: subscriptionView(subscription) };
  },

  getWebhookPublicKey: async ({ account, query }) => {
    const pem = (await account.webhooks.keyPair()).publicKeyPem;
    return query.format === 'freshchat'
      ? new Response(freshchatKeyLine(pem), { headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
      : new Response(pem, { headers: { 'Content-Type': 'application/x-pem-file' } });
  },

  listFaults: ({ account }) => ({ status: 200, body: { faults: account.faults.all() } }),

  injectFault: ({ account, body }) => ({ status: 201, body: account.faults.add(body) }),

  clearFaults: ({ account }) => {
    account.faults.clear();
    return { status: 204 };
  },

  removeFault: ({ account, path }) => {
    account.faults.remove(path.fault_id);
    return { status: 204 };
  },

  listReportJobs: ({ account, sandbox, origin }) => ({
    status: 200,
    body: { reports: [...account.reports.values()].map((job) => reportJobView(sandbox, account, job, origin)) },
  }),

  listRequests: ({ account, query }) => ({
    status: 200,
    body: { requests: account.journal.entries(query.limit).map(journalEntryView) },
  }),
};
