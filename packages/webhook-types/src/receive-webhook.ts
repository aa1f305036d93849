/**
 * The whole receiving side of a delivery in one call, on a standard `Request`: read the body once, check the
 * signature, then parse. Framework-neutral: Hono's `c.req.raw`, Node 20's and Bun's `Request`, Deno, edge runtimes.
 */
import { parseWebhook } from './parse-webhook.js';
import { verifySignature } from './verify-signature.js';
import type { WebhookEvent } from './webhook-event.js';
import { EVENT_ID_HEADER, PAYLOAD_VERSION_HEADER, RETRY_COUNT_HEADER, SIGNATURE_HEADER } from './webhook-headers.js';
import { rejectWebhook, type WebhookRejection } from './webhook-rejection.js';

/**
 * How to check deliveries: `publicKey` is the account's RSA public key in PEM form (the sandbox serves it at
 * `GET /_mock/webhooks/public-key`).
 *
 * @example
 * const options: ReceiveWebhookOptions = { publicKey: process.env.FRESHCHAT_WEBHOOK_PUBLIC_KEY ?? '' };
 */
export type ReceiveWebhookOptions = { publicKey: string };

/**
 * What `receiveWebhook` returns: the verified, typed event with the delivery's headers, or why it was refused.
 *
 * - `eventId`: the sandbox's `X-Sandbox-Event-Id` (same on every retry; absent against the real service).
 * - `retryCount`: `X-Retry-Count`, 0 on the first attempt; 0 when the header is absent or not a whole number.
 * - `payloadVersion`: `X-Freshchat-Payload-Version`, when sent.
 *
 * @example
 * const received: ReceivedWebhook = await receiveWebhook(request, { publicKey });
 */
export type ReceivedWebhook =
  | { ok: true; event: WebhookEvent; eventId?: string; retryCount: number; payloadVersion?: string }
  | { ok: false; rejection: WebhookRejection };

/**
 * Verifies and parses one webhook delivery.
 *
 * The signature is checked before the body is parsed, so an unsigned body is a 401 whatever it holds; a signed
 * body that is not a valid event is a 400. Answer a rejection with `rejection.status`, and an accepted event with
 * any 2xx (other answers make the sender retry).
 *
 * The request's body is consumed (unless the signature header is missing, which is refused without reading it),
 * so pass a request nothing has read yet; a used body rejects with a `TypeError`. A malformed `publicKey` rejects with an
 * `Error` — a receiver misconfiguration, best answered with a 500 so that the sender retries later.
 *
 * @example
 * // Hono
 * app.post('/freshchat/webhook', async (c) => {
 *   const received = await receiveWebhook(c.req.raw, { publicKey });
 *   if (!received.ok) return c.json({ error: received.rejection.message }, received.rejection.status);
 *   if (received.event.action === 'agent_availability') {
 *     await recordStatus(received.eventId, received.event.data.agent_availability);
 *   }
 *   return c.body(null, 204);
 * });
 */
export async function receiveWebhook(request: Request, options: ReceiveWebhookOptions): Promise<ReceivedWebhook> {
  if (request.bodyUsed) {
    throw new TypeError(
      'receiveWebhook: the request body was already read; pass the request before anything parses it (the signature covers the raw bytes)',
    );
  }
  return receiveDelivery(
    (name) => request.headers.get(name),
    async () => new Uint8Array(await request.arrayBuffer()),
    options,
  );
}

/**
 * The receiving steps over any transport: `header` reads a header by name (case-insensitive, `null` when absent)
 * and `readBody` gives the exact bytes, read only once the signature header is known to be there.
 *
 * @example
 * await receiveDelivery((name) => request.headers.get(name), async () => bytes, { publicKey });
 */
export async function receiveDelivery(
  header: (name: string) => string | null,
  readBody: () => Promise<Uint8Array>,
  options: ReceiveWebhookOptions,
): Promise<ReceivedWebhook> {
  const signature = header(SIGNATURE_HEADER);
  if (signature === null || signature.trim() === '') {
    return { ok: false, rejection: rejectWebhook('missing_signature', `${SIGNATURE_HEADER}: is required`) };
  }
  // Read once, as bytes: the signature covers them exactly, and the same bytes are what gets parsed.
  const body = await readBody();
  if (!(await verifySignature(body, signature, options.publicKey))) {
    return {
      ok: false,
      rejection: rejectWebhook('bad_signature', `${SIGNATURE_HEADER}: does not match the body and the public key`),
    };
  }
  const parsed = parseWebhook(body);
  if (!parsed.ok) return { ok: false, rejection: parsed.error };

  const eventId = header(EVENT_ID_HEADER) ?? undefined;
  const payloadVersion = header(PAYLOAD_VERSION_HEADER) ?? undefined;
  return {
    ok: true,
    event: parsed.event,
    ...(eventId !== undefined && { eventId }),
    retryCount: retryCount(header(RETRY_COUNT_HEADER)),
    ...(payloadVersion !== undefined && { payloadVersion }),
  };
}

// Headers are not covered by the signature, so a bad count is not worth refusing a verified event over.
function retryCount(header: string | null): number {
  const trimmed = header?.trim() ?? '';
  return /^\d+$/.test(trimmed) ? Number(trimmed) : 0;
}
