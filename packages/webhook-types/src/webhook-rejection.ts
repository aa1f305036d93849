/** Why a webhook delivery was refused, and the HTTP status a receiver should answer with. */

/**
 * Rejections about the signature: the sender could not prove it holds the account's private key.
 *
 * @example
 * const kind: WebhookSignatureRejectionKind = 'bad_signature';
 */
export type WebhookSignatureRejectionKind = 'missing_signature' | 'bad_signature';

/**
 * Rejections about the body: it is not UTF-8 JSON (`malformed_body`), does not match the spec's schema for its
 * action (`invalid_payload`), or names an action the spec does not declare (`unknown_action`).
 *
 * @example
 * const kind: WebhookBodyRejectionKind = 'invalid_payload';
 */
export type WebhookBodyRejectionKind = 'malformed_body' | 'invalid_payload' | 'unknown_action';

/**
 * Every reason a webhook delivery can be refused.
 *
 * @example
 * const kind: WebhookRejectionKind = 'missing_signature';
 */
export type WebhookRejectionKind = WebhookSignatureRejectionKind | WebhookBodyRejectionKind;

/**
 * A refused delivery: what went wrong (`kind`), a message naming the offending header or field, and the HTTP
 * status to answer with — 401 for signature problems, 400 for body problems.
 *
 * @example
 * const rejection: WebhookRejection = {
 *   kind: 'invalid_payload',
 *   message: 'data.agent_availability.status: must be equal to one of the allowed values (AVAILABLE, UNAVAILABLE)',
 *   status: 400,
 * };
 * return new Response(rejection.message, { status: rejection.status });
 */
export type WebhookRejection<Kind extends WebhookRejectionKind = WebhookRejectionKind> = {
  kind: Kind;
  message: string;
  status: 400 | 401;
};

/**
 * Thrown by `parseWebhookOrThrow`; carries the same rejection `parseWebhook` would have returned.
 *
 * @example
 * try {
 *   parseWebhookOrThrow(body);
 * } catch (error) {
 *   if (error instanceof WebhookRejectedError) return new Response(error.message, { status: error.rejection.status });
 *   throw error;
 * }
 */
export class WebhookRejectedError<Kind extends WebhookRejectionKind = WebhookRejectionKind> extends Error {
  override name = 'WebhookRejectedError';

  constructor(readonly rejection: WebhookRejection<Kind>) {
    super(rejection.message);
  }
}

/**
 * Builds a rejection with the status its kind calls for, so the kind→status mapping lives in one place.
 *
 * @example
 * rejectWebhook('bad_signature', 'X-Freshchat-Signature: does not match the body'); // status 401
 */
export function rejectWebhook<Kind extends WebhookRejectionKind>(kind: Kind, message: string): WebhookRejection<Kind> {
  const status = kind === 'missing_signature' || kind === 'bad_signature' ? 401 : 400;
  return { kind, message, status };
}
