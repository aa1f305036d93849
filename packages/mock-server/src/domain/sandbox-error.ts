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

/**
 * The refusal of a change that could not be kept (the data folder's disk is full, failing or read-only): nothing
 * was applied, reads go on, and the same request succeeds once the disk takes writes again.
 *
 * @example
 * throw storageUnavailable('ENOSPC');
 */
export function storageUnavailable(reason: string): SandboxError {
  return new SandboxError(
    503,
    'STORAGE_UNAVAILABLE',
    `the change could not be kept (${reason}), so it was not made; retry once the data folder takes writes again`,
  );
}
