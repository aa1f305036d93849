// @ts-check
// The shapes the page reads, as the control API declares them (openapi/mock-control.yaml).

/**
 * @typedef {{ id: string, first_name: string, last_name: string, availability_status: string,
 *   agent_status: { id: string, name: string }, login_status?: boolean }} Agent
 * @typedef {{ id: number, at: string, method: string, path: string, status: number, duration_ms: number,
 *   request_body?: string, response_body?: string }} JournalEntry
 * @typedef {{ id: string, event_id: string, url: string, action: string, retry_count: number, attempted_at: string,
 *   outcome: string, response_status?: number, error?: string, next_attempt_at?: string, resend?: boolean,
 *   request_headers?: Record<string, string>, body?: string }} Delivery
 * @typedef {{ id: string, event: string, status: string, start: string, end: string, completes_at: string,
 *   links: { link: { href: string }, from: string, to: string }[] }} ReportJob
 * @typedef {{ id: string, type: string, operation?: string, ms?: number, status?: number,
 *   remaining: number | null }} Fault
 * @typedef {{ clock: { now: string, frozen: boolean }, agents: Agent[], requests: JournalEntry[],
 *   subscriptions: { id: string, url: string }[], deliveries: Delivery[], reports: ReportJob[],
 *   faults: Fault[] }} Snapshot
 * @typedef {{ at: string, to: { id: string, name: string } }} HistoryEntry
 */

export {};
