import { freshchatDocument } from '../generated/documents.js';
import { webhookValidators } from '../generated/validators.js';
import type { Account } from './account.js';
import { SandboxError } from './sandbox-error.js';

/** What `POST /_mock/webhooks/trigger` asks for. */
export type WebhookTriggerRequest = {
  action: string;
  actor?: { actor_type: string; actor_id: string } | undefined;
  data?: Record<string, unknown> | undefined;
};

type WebhookDoc = {
  webhooks: Record<
    string,
    { post: { requestBody: { content: { 'application/json': { examples: Record<string, { value: unknown }> } } } } }
  >;
};

/** The example payload the spec documents for `action`. */
function documentedExample(action: string): Record<string, unknown> {
  const hook = (freshchatDocument as unknown as WebhookDoc).webhooks[action];
  const examples = hook?.post.requestBody.content['application/json'].examples;
  const first = examples && Object.values(examples)[0];
  if (!first) throw new SandboxError(400, 'INVALID_VALUE', `action: no documented example for ${action}`);
  return structuredClone(first.value) as Record<string, unknown>;
}

/** Every `app_id` in the example names the account the event is sent for. */
function withAppId(value: unknown, appId: string): unknown {
  if (Array.isArray(value)) return value.map((v) => withAppId(v, appId));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === 'app_id' && typeof v === 'string' ? appId : withAppId(v, appId)]),
    );
  }
  return value;
}

/**
 * Builds the payload of a triggered webhook: the spec's example for the action, sent as of `now` for `account`,
 * with `actor` and `data` replaced when given. The result is checked against the action's schema, so a trigger
 * never sends what Freshchat would not.
 */
export function triggeredPayload(
  account: Account,
  request: WebhookTriggerRequest,
  now: number,
): Record<string, unknown> {
  const payload = documentedExample(request.action);
  payload.action_time = new Date(now).toISOString();
  if (request.actor) payload.actor = request.actor;
  payload.data = request.data ?? withAppId(payload.data, account.appId);
  const validate = webhookValidators[request.action];
  if (validate && !validate(payload)) {
    const error = validate.errors?.[0];
    const field = (error?.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.') || 'payload';
    throw new SandboxError(400, 'INVALID_VALUE', `${field}: ${error?.message ?? 'is invalid'}`);
  }
  return payload;
}
