import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One webhook delivery as it came off the wire, and what became of the receiver's answer. */
type ReceivedDelivery = {
  headers: IncomingHttpHeaders;
  body: string;
  /** Set once the receiver's answer was fully handed to the socket. */
  answered: boolean;
  /** Set when the connection closed before the answer was written. */
  cutOff: boolean;
};

/** A webhook receiver on 127.0.0.1 (a `node:http` server) that records every delivery. */
export type WebhookReceiver = {
  url: string;
  deliveries: ReceivedDelivery[];
  /** Resolves with the next delivery to arrive. */
  nextDelivery(): Promise<ReceivedDelivery>;
  close(): Promise<void>;
};

/**
 * Starts a receiver that answers every delivery `status` after `delayMs` real milliseconds.
 *
 * @example
 * const receiver = await startReceiver();
 * await control.POST('/_mock/webhooks', { body: { url: receiver.url } });
 */
export async function startReceiver(options: { status?: number; delayMs?: number } = {}): Promise<WebhookReceiver> {
  const { status = 204, delayMs = 0 } = options;
  const deliveries: ReceivedDelivery[] = [];
  const waiting: ((d: ReceivedDelivery) => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const delivery: ReceivedDelivery = {
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        answered: false,
        cutOff: false,
      };
      deliveries.push(delivery);
      for (const resolve of waiting.splice(0)) resolve(delivery);
      res.on('finish', () => {
        delivery.answered = true;
      });
      res.on('close', () => {
        if (!delivery.answered) delivery.cutOff = true;
      });
      const answer = () => res.writeHead(status).end();
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/freshchat/webhook`,
    deliveries,
    nextDelivery: () => new Promise((resolve) => waiting.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
