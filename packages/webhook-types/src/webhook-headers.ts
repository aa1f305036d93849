/**
 * Names of the headers sent with every webhook delivery. `Headers.get()` is case-insensitive, so these work as
 * they are with `request.headers.get(SIGNATURE_HEADER)`; Node's `IncomingMessage.headers` is keyed in lower case.
 */

/**
 * Base64 RSA PKCS#1 v1.5 signature over the SHA-256 of the raw body bytes.
 *
 * @example
 * const signature = request.headers.get(SIGNATURE_HEADER);
 */
export const SIGNATURE_HEADER = 'X-Freshchat-Signature';

/**
 * Version of the payload format, such as `'1'`.
 *
 * @example
 * const version = request.headers.get(PAYLOAD_VERSION_HEADER);
 */
export const PAYLOAD_VERSION_HEADER = 'X-Freshchat-Payload-Version';

/**
 * `0` on the first delivery attempt, `n` on the n-th retry of the same event.
 *
 * @example
 * const retryCount = Number(request.headers.get(RETRY_COUNT_HEADER) ?? 0);
 */
export const RETRY_COUNT_HEADER = 'X-Retry-Count';

/**
 * Sandbox extension, not sent by the real service: a stable id for the event, the same on every retry, so a
 * receiver can de-duplicate deliveries.
 *
 * @example
 * const eventId = request.headers.get(EVENT_ID_HEADER); // null against the real service
 */
export const EVENT_ID_HEADER = 'X-Sandbox-Event-Id';
