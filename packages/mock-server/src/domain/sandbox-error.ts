import type { RateLimitState } from './accounts/rate-window.js';

/**
 * A client's mistake or a refused change, carried out of the domain with everything Freshchat's error body needs:
 * the HTTP status, an upper-snake code and a message that names the offending field.
 *
 * @example
 * throw new SandboxError(404, 'AGENT_NOT_FOUND', 'agent_id: agent not found');
 */
export class SandboxError extends Error {
  constructor(
    /** The HTTP status of the answer. */
    readonly status: number,
    /** Upper-snake error code, Freshchat's `status` field. */
    readonly code: string,
    message: string,
    /** For a refusal by a rate window (429): that window's state and how long to wait before retrying. */
    readonly retry?: { window: RateLimitState; afterSeconds: number },
  ) {
    super(message);
    this.name = 'SandboxError';
  }

  /** Freshchat's error body for this error. */
  toBody(): { code: number; status: string; message: string } {
    return { code: this.status, status: this.code, message: this.message };
  }
}
