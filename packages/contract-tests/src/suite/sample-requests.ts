import type { RawRequest } from './context.js';
import { UNKNOWN_ID } from './context.js';

/** A request for one operation, used where any well-formed request of that operation will do. */
export type SampleRequest = RawRequest & { operationId: string };

/**
 * One well-formed request per Freshchat operation, harmless on a real account: reads, and changes aimed at ids no
 * account holds (the body checks come after authentication and faults, before the id is looked up).
 */
export const FRESHCHAT_SAMPLES: readonly SampleRequest[] = [
  { operationId: 'listAgentStatuses', method: 'GET', path: '/agents/status' },
  { operationId: 'listAgents', method: 'GET', path: '/agents?items_per_page=1' },
  { operationId: 'getAgent', method: 'GET', path: `/agents/${UNKNOWN_ID}` },
  {
    operationId: 'updateAgentStatus',
    method: 'PATCH',
    path: `/agents/${UNKNOWN_ID}`,
    body: { availability_status: 'AVAILABLE' },
  },
  {
    operationId: 'requestRawReport',
    method: 'POST',
    path: '/reports/raw',
    // Refused for its format even by a server that skipped every other check: no report is ever started.
    body: {
      start: '2020-12-14T13:00:00Z',
      end: '2020-12-15T13:00:00Z',
      event: 'Agent-IntelliAssign-Activity',
      format: 'xlsx',
    },
  },
  { operationId: 'getRawReport', method: 'GET', path: `/reports/raw/${UNKNOWN_ID}` },
];

/** One well-formed request per control operation that needs a token, aimed at ids no account holds. */
export const CONTROL_SAMPLES: readonly SampleRequest[] = [
  { operationId: 'resetSandbox', method: 'POST', path: '/_mock/reset' },
  { operationId: 'getClock', method: 'GET', path: '/_mock/clock' },
  // An empty body reads the clock and changes nothing.
  { operationId: 'setClock', method: 'POST', path: '/_mock/clock', body: {} },
  { operationId: 'advanceClock', method: 'POST', path: '/_mock/clock/advance', body: { seconds: 1 } },
  { operationId: 'getAccount', method: 'GET', path: '/_mock/account' },
  { operationId: 'createAccount', method: 'POST', path: '/_mock/accounts', body: {} },
  { operationId: 'listManagedStatuses', method: 'GET', path: '/_mock/statuses' },
  { operationId: 'createStatus', method: 'POST', path: '/_mock/statuses', body: { name: 'Sample' } },
  { operationId: 'updateStatus', method: 'PATCH', path: `/_mock/statuses/${UNKNOWN_ID}`, body: { name: 'Sample' } },
  { operationId: 'deleteStatus', method: 'DELETE', path: `/_mock/statuses/${UNKNOWN_ID}` },
  {
    operationId: 'createAgent',
    method: 'POST',
    path: '/_mock/agents',
    body: { first_name: 'Sample', last_name: 'Agent' },
  },
  {
    operationId: 'setAgentStatusAsAgent',
    method: 'POST',
    path: `/_mock/agents/${UNKNOWN_ID}/status`,
    body: { availability_status: 'AVAILABLE' },
  },
  {
    operationId: 'updateAgentLogin',
    method: 'PATCH',
    path: `/_mock/agents/${UNKNOWN_ID}`,
    body: { login_status: true },
  },
  { operationId: 'getAgentHistory', method: 'GET', path: `/_mock/agents/${UNKNOWN_ID}/history` },
  {
    operationId: 'simulateHistory',
    method: 'POST',
    path: '/_mock/simulate',
    // Refused for its `until` (in the future) even once the body is read: no agent is ever created.
    body: { agents: 1, days: 1, seed: 1, until: '2999-01-01T00:00:00Z' },
  },
  { operationId: 'listWebhookSubscriptions', method: 'GET', path: '/_mock/webhooks' },
  {
    operationId: 'subscribeWebhook',
    method: 'POST',
    path: '/_mock/webhooks',
    body: { url: 'http://127.0.0.1:9/hook' },
  },
  { operationId: 'unsubscribeWebhook', method: 'DELETE', path: `/_mock/webhooks/${UNKNOWN_ID}` },
  {
    operationId: 'triggerWebhook',
    method: 'POST',
    path: '/_mock/webhooks/trigger',
    body: { action: 'message_create' },
  },
  { operationId: 'listWebhookDeliveries', method: 'GET', path: '/_mock/webhooks/deliveries' },
  { operationId: 'getWebhookPublicKey', method: 'GET', path: '/_mock/webhooks/public-key' },
  { operationId: 'listFaults', method: 'GET', path: '/_mock/faults' },
  { operationId: 'injectFault', method: 'POST', path: '/_mock/faults', body: { type: 'report_failure' } },
  { operationId: 'clearFaults', method: 'DELETE', path: '/_mock/faults' },
  { operationId: 'removeFault', method: 'DELETE', path: `/_mock/faults/${UNKNOWN_ID}` },
  { operationId: 'listRequests', method: 'GET', path: '/_mock/requests?limit=1' },
  { operationId: 'resendWebhookDelivery', method: 'POST', path: `/_mock/webhooks/deliveries/${UNKNOWN_ID}/resend` },
  { operationId: 'listReportJobs', method: 'GET', path: '/_mock/reports' },
  { operationId: 'streamInspectorEvents', method: 'GET', path: '/_mock/inspector/events' },
];

/** A body just over `limit` bytes, still valid JSON; `base` fields are kept so only its size is wrong. */
export function oversizedBody(base: unknown, limit: number): string {
  const fields = typeof base === 'object' && base !== null ? base : {};
  const text = JSON.stringify({ ...fields, padding: '' });
  return JSON.stringify({ ...fields, padding: 'x'.repeat(limit + 1 - text.length + 1) });
}

/** The sandbox's body limits (docs/contract.md): 64 KiB on `/v2`, 1 MiB on `/_mock`. */
export const BODY_LIMITS = { freshchat: 64 * 1024, control: 1024 * 1024 } as const;
