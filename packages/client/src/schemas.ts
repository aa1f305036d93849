import type { components } from '@freshchat-sandbox/openapi/types/freshchat';

type Schemas = components['schemas'];

/**
 * Freshchat's error body, `{ code, status, message }`, carried by every 4xx/5xx answer of the API.
 *
 * @example
 * const body: FreshchatError = { code: 404, status: 'AGENT_NOT_FOUND', message: 'agent not found' };
 */
export type FreshchatError = Schemas['Error'];

/** An agent of the account, as `GET /agents` and `GET /agents/{agent_id}` return it. */
export type Agent = Schemas['Agent'];

/** A status as it appears on an agent or in `GET /agents/status`: its `id` and `name`. */
export type AgentStatusRef = Schemas['AgentStatusRef'];

/** A raw report job as `GET /reports/raw/{id}` returns it; `links` is filled once it is `COMPLETED`. */
export type RawReport = Schemas['RawReport'];

/** The body of `POST /reports/raw`: what to report on (`event`) and over which window (`start`, `end`). */
export type RawReportRequest = Schemas['RawReportRequest'];

/** The answer to an accepted `POST /reports/raw`: the job's `id` and where to poll it. */
export type RawReportAccepted = Schemas['RawReportAccepted'];

/** One of the event names a raw report can be requested for. */
export type ReportEvent = Schemas['ReportEvent'];

/** One sub-report of a completed job: a pre-signed download `link` covering `[from, to)`. */
export type ReportPart = Schemas['ReportPart'];

/**
 * One row of the `Agent-IntelliAssign-Activity` CSV: one period an agent spent in one status, clipped to the
 * sub-report's window.
 */
export type AgentIntelliAssignActivityRow = Schemas['AgentIntelliAssignActivityRow'];

/** Both spellings of the agent-activity event name, which the API treats as the same report. */
export type AgentActivityEvent = Extract<ReportEvent, 'Agent-IntelliAssign-Activity' | 'Agent-Intelliassign-Activity'>;
