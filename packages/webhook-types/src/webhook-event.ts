/**
 * The webhook payload types, derived from the `webhooks` section of `openapi/freshchat.yaml`.
 *
 * Nothing here is written by hand: each type is read off the generated `webhooks` interface, so a webhook added to
 * the spec (and regenerated) joins `WebhookEvent` and `WebhookAction` without a change in this file.
 */
import type { webhooks } from '@freshchat-sandbox/openapi/types/freshchat';

/** The JSON request body the spec declares for one webhook's POST (`never` if it declares none). */
type WebhookBody<Name extends keyof webhooks> = webhooks[Name] extends { post: infer Operation }
  ? Operation extends { requestBody?: infer RequestBody }
    ? NonNullable<RequestBody> extends { content: { 'application/json': infer Body } }
      ? Body
      : never
    : never
  : never;

/**
 * The `agent_availability` webhook payload: sent when an agent's status changes, whether the agent changed it
 * (`actor.actor_type === 'agent'`) or an admin did through the API (`'admin'`).
 *
 * @example
 * function onStatusChange(event: AgentAvailabilityEvent) {
 *   const { agent_id, status, metadata } = event.data.agent_availability;
 *   console.log(`${agent_id} is ${status} (${metadata.agent_status.name})`);
 * }
 */
export type AgentAvailabilityEvent = WebhookBody<'agent_availability'>;

/**
 * Every webhook payload the spec declares, as a union discriminated on `action`. Switch on `event.action` to
 * narrow it to one payload type.
 *
 * @example
 * function handle(event: WebhookEvent) {
 *   switch (event.action) {
 *     case 'agent_availability':
 *       return event.data.agent_availability.status; // event is AgentAvailabilityEvent here
 *   }
 * }
 */
export type WebhookEvent = { [Name in keyof webhooks]: WebhookBody<Name> }[keyof webhooks];

/**
 * The name of every webhook action, such as `'agent_availability'`: the values `WebhookEvent['action']` can take.
 *
 * @example
 * const handled: WebhookAction[] = ['agent_availability'];
 */
export type WebhookAction = WebhookEvent['action'];

/**
 * The payload type of one action.
 *
 * @example
 * type StatusChange = WebhookEventOf<'agent_availability'>; // same as AgentAvailabilityEvent
 */
export type WebhookEventOf<Action extends WebhookAction> = Extract<WebhookEvent, { action: Action }>;
