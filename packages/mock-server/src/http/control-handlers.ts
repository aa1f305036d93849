import type { components } from '@freshchat-sandbox/openapi/types/freshchat';
import type { AgentStatus } from '../domain/agents/agent-status.js';
import {
  addFault,
  advanceClock,
  clearFaults,
  createStatus,
  deleteStatus,
  hireAgent,
  removeFault,
  renameStatus,
  setAgentLogin,
  setClock,
  simulateHistorySteps,
  subscribe,
} from '../domain/events/account-commands.js';
import { whenDone } from '../domain/events/event-sink.js';
import { freshchatKeyLine } from '../domain/webhooks/webhook-subscriptions.js';
import type { ControlOperationId } from '../generated/documents.js';
import { agentView } from './agent-view.js';
import { clockView, journalEntryView, subscriptionView } from './control-views.js';
import type { HealthOperationId } from './health-handler.js';
import { inTurns } from './in-turns.js';
import type { InspectorOperationId } from './inspector-handlers.js';
import type { OperationHandlers } from './operation-types.js';
import { reportJobView } from './report-view.js';
import type { storageHandlers } from './storage-handlers.js';
import type { DispatcherOperationId } from './webhook-handlers.js';

/** The control API's operations answered here: all but the storage download, the dispatcher's, the inspector's and health. */
type ControlHandlerId = Exclude<
  ControlOperationId,
  keyof typeof storageHandlers | DispatcherOperationId | InspectorOperationId | HealthOperationId
>;

const managed = (s: AgentStatus) => ({ id: s.id, name: s.name, emoji: s.emoji, built_in: s.builtIn });
const ref = (s: { id: string; name: string }): components['schemas']['AgentStatusRef'] => ({ id: s.id, name: s.name });
const iso = (ms: number) => new Date(ms).toISOString();

/** Handlers of the control API (`/_mock`), except those of webhook deliveries, which the dispatcher answers. */
export const controlHandlers: OperationHandlers<ControlHandlerId> = {
  // The admin token resets the whole sandbox; an account's own token, that account alone.
  resetSandbox: ({ sandbox, account, admin }) =>
    whenDone(admin || !account ? sandbox.reset() : sandbox.resetAccount(account), () => ({
      status: 200 as const,
      body: clockView(sandbox.clock),
    })),

  getClock: ({ sandbox }) => ({ status: 200, body: clockView(sandbox.clock) }),

  setClock: ({ sandbox, body }) =>
    whenDone(setClock(sandbox, body), (reading) => ({
      status: 200 as const,
      body: { now: new Date(reading.at).toISOString(), frozen: reading.frozen },
    })),

  advanceClock: ({ sandbox, body }) =>
    whenDone(advanceClock(sandbox, body.seconds), () => ({ status: 200 as const, body: clockView(sandbox.clock) })),

  getAccount: ({ account }) => ({
    status: 200,
    body: {
      app_id: account.appId,
      admin_id: account.adminId,
      built_in_statuses: {
        active: ref(account.statuses.active),
        unavailable: ref(account.statuses.unavailable),
      },
    },
  }),

  createAccount: ({ sandbox, body }) =>
    whenDone(sandbox.createAccount(body ?? {}), (created) => ({
      status: 201 as const,
      body: { app_id: created.appId, token: created.token },
    })),

  listManagedStatuses: ({ account }) => ({ status: 200, body: { states: account.statuses.all().map(managed) } }),

  createStatus: ({ account, sandbox, body }) =>
    whenDone(createStatus(sandbox, account, body), (status) => ({ status: 201 as const, body: managed(status) })),

  updateStatus: ({ account, sandbox, path, body }) =>
    whenDone(renameStatus(sandbox, account, path.status_id, body), (status) => ({
      status: 200 as const,
      body: managed(status),
    })),

  deleteStatus: ({ account, sandbox, path }) =>
    whenDone(deleteStatus(sandbox, account, path.status_id), () => ({ status: 204 as const })),

  createAgent: ({ account, sandbox, body }) =>
    whenDone(
      hireAgent(sandbox, account, {
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
      }),
      (agent) => ({ status: 201 as const, body: agentView(account, agent) }),
    ),

  updateAgentLogin: ({ account, sandbox, path, body }) =>
    whenDone(setAgentLogin(sandbox, account, path.agent_id, body.login_status), (agent) => ({
      status: 200 as const,
      body: agentView(account, agent),
    })),

  setAgentStatusAsAgent: ({ account, sandbox, path, body }) =>
    whenDone(sandbox.changeStatus(account, path.agent_id, body, { type: 'agent', id: path.agent_id }), (result) => ({
      status: 200 as const,
      body: { availability_status: result.availability, agent_status: ref(result.status) },
    })),

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

  // Made in steps, one per turn of the event loop: a large simulation leaves other requests answered meanwhile.
  simulateHistory: ({ account, sandbox, body }) =>
    inTurns(simulateHistorySteps(sandbox, account, body)).then((pending) =>
      whenDone(pending, (made) => ({
        status: 201 as const,
        body: { agents_created: made.agentIds.length, changes: made.changes, from: iso(made.from), to: iso(made.to) },
      })),
    ),

  listWebhookSubscriptions: ({ account }) => ({
    status: 200,
    body: {
      subscriptions: account.webhooks.all().map(subscriptionView),
    },
  }),

  subscribeWebhook: ({ account, sandbox, body }) =>
    whenDone(subscribe(sandbox, account, body.url), ({ subscription, created }) => ({
      status: created ? (201 as const) : (200 as const),
      body: subscriptionView(subscription),
    })),

  getWebhookPublicKey: async ({ account, query }) => {
    const pem = (await account.webhooks.keyPair()).publicKeyPem;
    return query.format === 'freshchat'
      ? new Response(freshchatKeyLine(pem), { headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
      : new Response(pem, { headers: { 'Content-Type': 'application/x-pem-file' } });
  },

  listFaults: ({ account }) => ({ status: 200, body: { faults: account.faults.all() } }),

  injectFault: ({ account, sandbox, body }) =>
    whenDone(addFault(sandbox, account, body), (fault) => ({ status: 201 as const, body: fault })),

  clearFaults: ({ account, sandbox }) => whenDone(clearFaults(sandbox, account), () => ({ status: 204 as const })),

  removeFault: ({ account, sandbox, path }) =>
    whenDone(removeFault(sandbox, account, path.fault_id), () => ({ status: 204 as const })),

  listReportJobs: ({ account, sandbox, origin }) => ({
    status: 200,
    body: { reports: [...account.reports.values()].map((job) => reportJobView(sandbox, account, job, origin)) },
  }),

  listRequests: ({ account, query }) => ({
    status: 200,
    body: { requests: account.journal.entries(query.limit).map(journalEntryView) },
  }),
};
