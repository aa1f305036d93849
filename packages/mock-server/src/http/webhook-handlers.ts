import { whenDone } from '../domain/events/event-sink.js';
import type { WebhookDispatcher } from '../domain/webhooks/webhook-dispatcher.js';
import type { OperationHandlers } from './operation-types.js';

/** The webhook operations answered by the dispatcher, which each mock server makes its own. */
export type DispatcherOperationId =
  | 'listWebhookDeliveries'
  | 'unsubscribeWebhook'
  | 'resendWebhookDelivery'
  | 'triggerWebhook';

/**
 * Handlers of the webhook operations that need the server's dispatcher: the delivery log, unsubscribing (which
 * cancels the subscription's retries), resending an attempt, and triggering an event. Subscribing and the public
 * key need only the account, and are in `control-handlers.ts`.
 *
 * @example
 * createApp(sandbox, { extraHandlers: { ...webhookHandlers(dispatcher), ...inspectorHandlers(feed) } });
 */
export function webhookHandlers(webhooks: WebhookDispatcher): OperationHandlers<DispatcherOperationId> {
  return {
    listWebhookDeliveries: ({ account }) => ({ status: 200, body: webhooks.deliveryLog(account) }),
    unsubscribeWebhook: ({ account, path }) =>
      whenDone(webhooks.unsubscribe(account, path.subscription_id), () => ({ status: 204 as const })),
    resendWebhookDelivery: ({ account, path }) => ({ status: 202, body: webhooks.resend(account, path.delivery_id) }),
    triggerWebhook: ({ account, body }) =>
      whenDone(webhooks.trigger(account, body), ({ eventId, payload }) => ({
        status: 202 as const,
        body: { event_id: eventId, action: body.action, subscribers: account.webhooks.size, payload },
      })),
  };
}
