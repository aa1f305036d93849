/**
 * Turns a delivery's raw body into a typed `WebhookEvent`: UTF-8 decode, JSON parse, then the validator generated
 * from the spec for the event's `action`. Parsing does not check the signature: verify first (`verifySignature`),
 * or use `receiveWebhook`, which does both in the right order.
 */
import { fieldPath } from '@freshchat-sandbox/openapi/field-path';
import { type ValidationError, webhookValidators } from './generated/validators.js';
import { type RawBody, rawBodyText } from './raw-body.js';
import type { WebhookEvent } from './webhook-event.js';
import {
  rejectWebhook,
  type WebhookBodyRejectionKind,
  WebhookRejectedError,
  type WebhookRejection,
} from './webhook-rejection.js';

/**
 * What `parseWebhook` returns: the typed event, or why the body was refused (always a 400 rejection).
 *
 * @example
 * const parsed: ParsedWebhook = parseWebhook(body);
 * if (!parsed.ok) console.warn(parsed.error.kind, parsed.error.message);
 */
export type ParsedWebhook =
  | { ok: true; event: WebhookEvent }
  | { ok: false; error: WebhookRejection<WebhookBodyRejectionKind> };

/**
 * Parses and validates a delivery's raw body.
 *
 * Rejections: `malformed_body` (not UTF-8, not JSON), `unknown_action` (an `action` the spec does not declare),
 * `invalid_payload` (not a JSON object, no string `action`, or the payload breaks the action's schema). The message
 * names the offending field, such as
 * `data.agent_availability.status: must be equal to one of the allowed values (AVAILABLE, UNAVAILABLE)`.
 *
 * @example
 * const parsed = parseWebhook(await request.arrayBuffer());
 * if (!parsed.ok) return new Response(parsed.error.message, { status: parsed.error.status });
 * if (parsed.event.action === 'agent_availability') {
 *   console.log(parsed.event.data.agent_availability.status);
 * }
 */
export function parseWebhook(rawBody: RawBody): ParsedWebhook {
  let text: string;
  try {
    text = rawBodyText(rawBody);
  } catch {
    return refuse('malformed_body', 'body: is not valid UTF-8');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    return refuse('malformed_body', `body: is not valid JSON (${error instanceof Error ? error.message : error})`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return refuse('invalid_payload', 'body: must be a JSON object');
  }
  const action: unknown = (payload as Record<string, unknown>).action;
  if (action === undefined) return refuse('invalid_payload', 'action: is required');
  if (typeof action !== 'string') return refuse('invalid_payload', 'action: must be a string');
  // hasOwn, not `in` or a bare lookup: `webhookValidators.toString` exists too, and is no validator.
  const validate = Object.hasOwn(webhookValidators, action) ? webhookValidators[action] : undefined;
  if (!validate) {
    const known = Object.keys(webhookValidators).join(', ');
    return refuse(
      'unknown_action',
      `action: unknown webhook action ${JSON.stringify(action.slice(0, 100))} (known: ${known})`,
    );
  }
  if (!validate(payload)) return refuse('invalid_payload', describeValidationError(validate.errors?.[0]));
  // The validator was compiled from the very schema the type was generated from.
  return { ok: true, event: payload as WebhookEvent };
}

/**
 * Like `parseWebhook`, but returns the event itself and throws a `WebhookRejectedError` for a refused body.
 *
 * @example
 * app.post('/hook', async (c) => {
 *   const event = parseWebhookOrThrow(await c.req.arrayBuffer()); // after verifying the signature
 *   return c.body(null, 204);
 * });
 */
export function parseWebhookOrThrow(rawBody: RawBody): WebhookEvent {
  const parsed = parseWebhook(rawBody);
  if (!parsed.ok) throw new WebhookRejectedError(parsed.error);
  return parsed.event;
}

function refuse(kind: WebhookBodyRejectionKind, message: string): ParsedWebhook {
  return { ok: false, error: rejectWebhook(kind, message) };
}

/** `<field path>: <what is wrong>`, the field written as a dotted path (`data.agent_availability.status`). */
function describeValidationError(error: ValidationError | undefined): string {
  if (!error) return 'body: does not match the schema';
  let path = fieldPath(error.instancePath);
  let message = error.message ?? 'is not valid';
  // AJV reports a missing or extra property on its parent object; the field itself is the one to name.
  const { missingProperty, additionalProperty, allowedValues } = error.params;
  if (error.keyword === 'required' && typeof missingProperty === 'string') {
    path = fieldPath(error.instancePath, missingProperty);
    message = 'is required';
  } else if (error.keyword === 'additionalProperties' && typeof additionalProperty === 'string') {
    path = fieldPath(error.instancePath, additionalProperty);
    message = 'is not allowed';
  } else if (error.keyword === 'enum' && Array.isArray(allowedValues)) {
    message += ` (${allowedValues.join(', ')})`;
  }
  return `${path || 'body'}: ${message}`;
}
