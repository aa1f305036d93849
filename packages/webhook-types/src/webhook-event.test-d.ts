import type { components, webhooks } from '@freshchat-sandbox/openapi/types/freshchat';
import { describe, expectTypeOf, it } from 'vitest';
import type { ParsedWebhook } from './parse-webhook.js';
import type { ReceivedWebhook } from './receive-webhook.js';
import type { AgentAvailabilityEvent, WebhookAction, WebhookEvent, WebhookEventOf } from './webhook-event.js';

describe('webhook event types', () => {
  it('types the status as the spec enum', () => {
    expectTypeOf<AgentAvailabilityEvent['data']['agent_availability']['status']>().toEqualTypeOf<
      'AVAILABLE' | 'UNAVAILABLE'
    >();
  });

  it("types the actor's role as the spec enum", () => {
    expectTypeOf<AgentAvailabilityEvent['actor']['actor_type']>().toEqualTypeOf<'agent' | 'admin'>();
  });

  it("is the spec's AgentAvailabilityEvent schema", () => {
    expectTypeOf<AgentAvailabilityEvent>().toEqualTypeOf<components['schemas']['AgentAvailabilityEvent']>();
  });

  it('narrows a WebhookEvent to AgentAvailabilityEvent on its action', () => {
    const handle = (event: WebhookEvent) => {
      if (event.action === 'agent_availability') {
        expectTypeOf(event).toEqualTypeOf<AgentAvailabilityEvent>();
        expectTypeOf(event.data.agent_availability.status).toEqualTypeOf<'AVAILABLE' | 'UNAVAILABLE'>();
      }
    };
    expectTypeOf(handle).parameter(0).toEqualTypeOf<WebhookEvent>();
    expectTypeOf<WebhookEventOf<'agent_availability'>>().toEqualTypeOf<AgentAvailabilityEvent>();
  });

  it('has one action per webhook of the spec, named like the webhook', () => {
    // parseWebhook looks validators up by action, and the validators are keyed by webhook name.
    expectTypeOf<WebhookAction>().toEqualTypeOf<keyof webhooks>();
    expectTypeOf<WebhookAction>().toEqualTypeOf<
      | 'agent_availability'
      | 'message_create'
      | 'conversation_assignment'
      | 'conversation_resolution'
      | 'conversation_reopen'
    >();
    expectTypeOf<WebhookEventOf<'message_create'>['data']['message']['conversation_id']>().toEqualTypeOf<string>();
    expectTypeOf<WebhookEventOf<'conversation_assignment'>['data']['assignment']['assignor']>().toEqualTypeOf<
      'user' | 'agent' | 'admin' | 'bot' | 'system'
    >();
    // @ts-expect-error an action the spec does not declare
    expectTypeOf<WebhookEventOf<'ticket_create'>>().toBeNever();
  });

  it('gives the parsed and received events the union type', () => {
    expectTypeOf<Extract<ParsedWebhook, { ok: true }>['event']>().toEqualTypeOf<WebhookEvent>();
    expectTypeOf<Extract<ReceivedWebhook, { ok: true }>['event']>().toEqualTypeOf<WebhookEvent>();
    expectTypeOf<Extract<ReceivedWebhook, { ok: false }>['rejection']['status']>().toEqualTypeOf<400 | 401>();
  });
});
