import { createServer, type Server } from 'node:http';
import { type AgentAvailabilityEvent, receiveNodeWebhook } from '@freshchat-sandbox/webhook-types';

/**
 * A webhook receiver on plain `node:http`: every delivery's signature is checked against the account's public key
 * before its body is parsed; a verified `agent_availability` event goes to `onStatusChange`, once per event id
 * (retries of an event carry the same id). Forged or malformed deliveries get the rejection's status (401 or 400).
 *
 * @example
 * const server = createReceiver({ publicKey, onStatusChange: (event) => console.log(event.data) });
 * server.listen(3000, '127.0.0.1');
 */
export function createReceiver(options: {
  publicKey: string;
  onStatusChange: (event: AgentAvailabilityEvent) => void;
}): Server {
  const seen = new Set<string>();
  return createServer(async (req, res) => {
    if (req.method !== 'POST') return res.writeHead(405, { allow: 'POST' }).end();
    try {
      const received = await receiveNodeWebhook(req, { publicKey: options.publicKey });
      if (!received.ok) return res.writeHead(received.rejection.status).end(received.rejection.message);
      const firstTime = received.eventId === undefined || !seen.has(received.eventId);
      if (received.eventId !== undefined) seen.add(received.eventId);
      if (firstTime && received.event.action === 'agent_availability') options.onStatusChange(received.event);
      res.writeHead(204).end();
    } catch (error) {
      // A malformed public key is the receiver's own fault: a 500 makes the sender retry later.
      res.writeHead(500).end(String(error));
    }
  });
}
