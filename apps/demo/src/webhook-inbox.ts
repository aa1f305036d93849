import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AgentAvailabilityEvent, receiveNodeWebhook, type WebhookEvent } from '@freshchat-sandbox/webhook-types';

/** One delivery that passed `receiveNodeWebhook`: signature checked against the account's key, payload validated. */
type VerifiedDelivery = {
  event: WebhookEvent;
  eventId: string | undefined;
  retryCount: number;
};

/** A running webhook receiver: plain `node:http`, every delivery checked with `receiveNodeWebhook`. */
export type WebhookInbox = {
  /** Where to subscribe it, e.g. `http://127.0.0.1:38111/webhooks/freshchat`. */
  url: string;
  /** Every verified delivery so far, in arrival order (retries of an event counted once). */
  received: VerifiedDelivery[];
  /** How many deliveries were refused, and why. */
  rejected: { status: number; message: string }[];
  /**
   * The next verified `agent_availability` event (one not handed out before) that `matches`; rejects after
   * `timeoutMs`.
   */
  nextAgentAvailability(
    matches: (event: AgentAvailabilityEvent) => boolean,
    timeoutMs?: number,
  ): Promise<VerifiedDelivery & { event: AgentAvailabilityEvent }>;
  stop(): Promise<void>;
};

/**
 * Starts a webhook receiver on `127.0.0.1` (port 0: a free one). Each request goes to `receiveNodeWebhook`, which
 * reads the body's exact bytes and checks `X-Freshchat-Signature` before parsing. Verified events are answered 204, refused ones with the rejection's status (401 or 400).
 *
 * @example
 * const inbox = await startWebhookInbox({ publicKey });
 * await control.POST('/_mock/webhooks', { body: { url: inbox.url } });
 */
export async function startWebhookInbox(options: { publicKey: string; path?: string }): Promise<WebhookInbox> {
  const path = options.path ?? '/webhooks/freshchat';
  const received: VerifiedDelivery[] = [];
  const rejected: { status: number; message: string }[] = [];
  const seenEventIds = new Set<string>();
  const handedOut = new Set<VerifiedDelivery>();
  const waiters = new Set<() => void>();

  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url !== path) {
        res.writeHead(404).end();
        return;
      }
      const answer = await receiveNodeWebhook(req, { publicKey: options.publicKey });
      if (!answer.ok) {
        rejected.push({ status: answer.rejection.status, message: answer.rejection.message });
        res.writeHead(answer.rejection.status, { 'content-type': 'text/plain' }).end(answer.rejection.message);
        return;
      }
      // A retry carries the same event id: acknowledge it again, record it once.
      if (answer.eventId === undefined || !seenEventIds.has(answer.eventId)) {
        if (answer.eventId !== undefined) seenEventIds.add(answer.eventId);
        received.push({ event: answer.event, eventId: answer.eventId, retryCount: answer.retryCount });
        for (const wake of waiters) wake();
      }
      res.writeHead(204).end();
    })().catch((error: unknown) => {
      // A misconfigured key: a 500 makes the sender retry later.
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address() as AddressInfo));
  });

  function takeMatching(matches: (event: AgentAvailabilityEvent) => boolean) {
    const found = received.find(
      (delivery) =>
        !handedOut.has(delivery) && delivery.event.action === 'agent_availability' && matches(delivery.event),
    );
    if (found) handedOut.add(found);
    return found as (VerifiedDelivery & { event: AgentAvailabilityEvent }) | undefined;
  }

  return {
    url: `http://127.0.0.1:${address.port}${path}`,
    received,
    rejected,
    nextAgentAvailability(matches, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = takeMatching(matches);
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const refusals = rejected.map((r) => `${r.status} ${r.message}`).join('; ');
          reject(
            new Error(
              `no matching agent_availability webhook within ${timeoutMs} ms${refusals ? ` (refused: ${refusals})` : ''}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
