/**
 * Typed client of Freshchat's agent-status API and of the sandbox's control API, with the helpers a consumer of
 * the Extract API would otherwise write: request a report, wait for it, download and parse it.
 *
 * @example
 * import { createFreshchatClient, downloadReport, requestReport, waitForReport } from '@freshchat-sandbox/client';
 *
 * const freshchat = createFreshchatClient({ baseUrl: 'http://127.0.0.1:4010/v2', token: 'sandbox-token' });
 * const { id } = await requestReport(freshchat, { start, end, event: 'Agent-IntelliAssign-Activity', format: 'csv' });
 * const report = await waitForReport(freshchat, id);
 * const { rows } = await downloadReport(report, { event: 'Agent-IntelliAssign-Activity' });
 *
 * @module
 */

export type { components, operations, paths, webhooks } from '@freshchat-sandbox/openapi/types/freshchat';
export type {
  components as ControlComponents,
  operations as ControlOperations,
  paths as ControlPaths,
} from '@freshchat-sandbox/openapi/types/mock-control';
export type { Sleep } from './abortable.js';
export { ACTIVITY_COLUMNS, parseActivityCsv, parseReportCsv, ReportCsvError } from './activity-csv.js';
export {
  type ControlClient,
  type ControlClientOptions,
  createControlClient,
  SANDBOX_ORIGIN,
} from './control-client.js';
export {
  type DownloadedReport,
  type DownloadedReportPart,
  type DownloadReportOptions,
  downloadReport,
  ReportDownloadError,
} from './download-report.js';
export { FreshchatApiError } from './freshchat-api-error.js';
export {
  createFreshchatClient,
  type FetchLike,
  FRESHCHAT_BASE_URL,
  type FreshchatClient,
  type FreshchatClientOptions,
} from './freshchat-client.js';
export { type ReportRequestInput, type RequestReportOptions, reportTime, requestReport } from './request-report.js';
export type {
  Agent,
  AgentActivityEvent,
  AgentIntelliAssignActivityRow,
  AgentStatusRef,
  FreshchatError,
  RawReport,
  RawReportAccepted,
  RawReportRequest,
  ReportEvent,
  ReportPart,
} from './schemas.js';
export {
  ReportFailedError,
  ReportTimeoutError,
  type WaitForReportOptions,
  waitForReport,
} from './wait-for-report.js';
