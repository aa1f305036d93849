/**
 * `@freshchat-sandbox/webhook-types`: the types of Freshchat's webhook payloads, generated from
 * `openapi/freshchat.yaml`, and the runtime pieces to receive them — signature verification (Web Crypto only),
 * parsing with the spec's validators, and `receiveWebhook` doing both on a standard `Request` (`receiveNodeWebhook` on
 * Node's `IncomingMessage`).
 *
 * @example
 * import { receiveWebhook } from '@freshchat-sandbox/webhook-types';
 *
 * const received = await receiveWebhook(request, { publicKey });
 * if (!received.ok) return new Response(received.rejection.message, { status: received.rejection.status });
 */
export { type ParsedWebhook, parseWebhook, parseWebhookOrThrow } from './parse-webhook.js';
export type { RawBody } from './raw-body.js';
export { type NodeWebhookRequest, receiveNodeWebhook } from './receive-node-webhook.js';
export { type ReceivedWebhook, type ReceiveWebhookOptions, receiveWebhook } from './receive-webhook.js';
export { verifySignature } from './verify-signature.js';
export type { AgentAvailabilityEvent, WebhookAction, WebhookEvent, WebhookEventOf } from './webhook-event.js';
export { EVENT_ID_HEADER, PAYLOAD_VERSION_HEADER, RETRY_COUNT_HEADER, SIGNATURE_HEADER } from './webhook-headers.js';
export {
  type WebhookBodyRejectionKind,
  WebhookRejectedError,
  type WebhookRejection,
  type WebhookRejectionKind,
  type WebhookSignatureRejectionKind,
} from './webhook-rejection.js';
