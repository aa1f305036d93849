import type { components as ControlComponents } from '@freshchat-sandbox/openapi/types/mock-control';
import { freshchatDocument } from '../../generated/documents.js';
import type { Account } from '../accounts/account.js';
import { DomainError } from '../domain-error.js';

/**
 * What `POST /_mock/webhooks/trigger` asks for: one schema per action, so the request's validator (compiled from
 * the spec) has already checked `data` and `actor` against that action's payload.
 */
export type WebhookTriggerRequest = ControlComponents['schemas']['WebhookTrigger'];

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
  if (!first) throw new DomainError('invalid', 'INVALID_VALUE', `action: no documented example for ${action}`);
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
 * with `actor` and `data` replaced when given. The request schema gives `actor` and `data` the action's own
 * schemas, so the payload is one Freshchat could send.
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
  return payload;
}
