import type { FreshchatError } from './schemas.js';

/**
 * A Freshchat answer with a 4xx/5xx status, thrown by the report helpers. `body` is Freshchat's error body; when
 * the answer did not carry one (a proxy's HTML page, an empty body) it is filled in from the HTTP status, so
 * `body.message` always says something.
 *
 * @example
 * try {
 *   await requestReport(freshchat, body);
 * } catch (error) {
 *   if (error instanceof FreshchatApiError && error.status === 400) console.error(error.body.message);
 *   else throw error;
 * }
 */
export class FreshchatApiError extends Error {
  override readonly name = 'FreshchatApiError';
  /** The HTTP status of the answer. */
  readonly status: number;
  /** The answer's error body. */
  readonly body: FreshchatError;

  constructor(status: number, body: FreshchatError) {
    super(body.message);
    this.status = status;
    this.body = body;
  }

  /**
   * Builds the error from an openapi-fetch result: `error` is whatever the failed answer's body parsed to.
   *
   * @example
   * const { data, error, response } = await freshchat.GET('/agents/status');
   * if (!data) throw FreshchatApiError.fromAnswer(response, error);
   */
  static fromAnswer(response: Response, error: unknown): FreshchatApiError {
    return new FreshchatApiError(response.status, toFreshchatError(response, error));
  }
}

function toFreshchatError(response: Response, error: unknown): FreshchatError {
  if (isFreshchatError(error)) return error;
  // openapi-fetch hands back the raw text when the body is not JSON; keep a short piece of it for the message.
  const text = typeof error === 'string' ? error.trim().slice(0, 200) : '';
  const reason = response.statusText || 'no Freshchat error body';
  return {
    code: response.status,
    status: `HTTP_${response.status}`,
    message: text ? `HTTP ${response.status}: ${text}` : `HTTP ${response.status}: ${reason}`,
  };
}

function isFreshchatError(value: unknown): value is FreshchatError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.code === 'number' && typeof candidate.status === 'string' && typeof candidate.message === 'string'
  );
}
