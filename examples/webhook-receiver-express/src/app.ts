import { type AgentAvailabilityEvent, receiveNodeWebhook } from '@freshchat-sandbox/webhook-types';
import express, { type Express } from 'express';

/**
 * An Express app with a webhook route: `receiveNodeWebhook` checks every delivery's signature over the exact bytes
 * before parsing it. The rest of the app parses JSON as usual: the webhook route is registered before
 * `express.json()`, so the body reaches it unread (or give the route `express.raw({ type: 'application/json' })`).
 * A verified `agent_availability` event goes to `onStatusChange` once per event id.
 *
 * @example
 * createApp({ publicKey, onStatusChange: (event) => console.log(event.data) }).listen(3000, '127.0.0.1');
 */
export function createApp(options: {
  publicKey: string;
  onStatusChange: (event: AgentAvailabilityEvent) => void;
}): Express {
  const app = express();
  const seen = new Set<string>();

  app.post('/freshchat/webhook', async (req, res) => {
    const received = await receiveNodeWebhook(req, { publicKey: options.publicKey });
    if (!received.ok) {
      res.status(received.rejection.status).json(received.rejection);
      return;
    }
    const firstTime = received.eventId === undefined || !seen.has(received.eventId);
    if (received.eventId !== undefined) seen.add(received.eventId);
    if (firstTime && received.event.action === 'agent_availability') options.onStatusChange(received.event);
    res.sendStatus(204);
  });

  // Everything else in the app may parse JSON; the webhook route above has its body already.
  app.use(express.json());
  app.post('/notes', (req, res) => {
    res.status(201).json({ received: req.body });
  });
  return app;
}
