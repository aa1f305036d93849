/**
 * `receiveWebhook` for Node's `IncomingMessage` (node:http, Express, Fastify's `request.raw`, Koa's `ctx.req`), so a
 * receiver need not build a `Request` by hand. Typed by shape, not by `node:http`, so the package stays free of
 * Node's types and runs anywhere.
 */
import { type ReceivedWebhook, type ReceiveWebhookOptions, receiveDelivery } from './receive-webhook.js';

/**
 * What `receiveNodeWebhook` reads of a request: Node's `IncomingMessage` fits, and so does Express's `req`.
 * `body` is what a body parser left there, if one ran: the bytes from `express.raw()` are used as they are (a string
 * from `express.text()` is encoded back to UTF-8).
 *
 * @example
 * const request: NodeWebhookRequest = req; // an IncomingMessage, or Express's req
 */
export type NodeWebhookRequest = AsyncIterable<Uint8Array | string> & {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  readableEnded?: boolean;
};

/**
 * Verifies and parses one webhook delivery received by a Node server; the same checks and answer as
 * `receiveWebhook`. It reads the request's body itself, or takes the bytes a raw body parser left in `req.body`
 * (`express.raw({ type: 'application/json' })`). A body that something already read and parsed (`express.json()`
 * before this route) rejects with a `TypeError`: the signature covers the exact bytes, which are gone by then.
 * Answer a rejection with `rejection.status`, and an accepted event with any 2xx.
 *
 * @example
 * // node:http
 * createServer(async (req, res) => {
 *   const received = await receiveNodeWebhook(req, { publicKey });
 *   if (!received.ok) return res.writeHead(received.rejection.status).end(received.rejection.message);
 *   console.log(received.event.action, received.retryCount);
 *   res.writeHead(204).end();
 * });
 *
 * @example
 * // Express: mount it before any JSON body parser, or give it the raw bytes
 * app.post('/freshchat/webhook', async (req, res) => {
 *   const received = await receiveNodeWebhook(req, { publicKey });
 *   if (!received.ok) return res.status(received.rejection.status).json(received.rejection);
 *   res.sendStatus(204);
 * });
 */
export async function receiveNodeWebhook(
  request: NodeWebhookRequest,
  options: ReceiveWebhookOptions,
): Promise<ReceivedWebhook> {
  const readBody = bodyReader(request);
  return receiveDelivery((name) => headerOf(request, name), readBody, options);
}

// Node lower-cases header names; a repeated header arrives as an array, joined as the Fetch API joins it.
function headerOf(request: NodeWebhookRequest, name: string): string | null {
  const value = request.headers[name.toLowerCase()];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

const utf8Encoder = new TextEncoder();

// Checked before anything else, as receiveWebhook checks bodyUsed: a lost body is a bug in the receiver, whatever the
// delivery holds.
function bodyReader(request: NodeWebhookRequest): () => Promise<Uint8Array> {
  const { body } = request;
  if (body instanceof Uint8Array) return async () => body;
  if (typeof body === 'string') return async () => utf8Encoder.encode(body);
  // A parser that skipped the request (another content type) may leave `{}` behind with the stream unread.
  if (request.readableEnded === true) {
    throw new TypeError(
      'receiveNodeWebhook: the request body was already read or parsed; the signature covers the raw bytes, so mount the route before any JSON body parser or use express.raw({ type: "application/json" })',
    );
  }
  return () => readAll(request);
}

async function readAll(request: NodeWebhookRequest): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of request) {
    const bytes = typeof chunk === 'string' ? utf8Encoder.encode(chunk) : chunk;
    chunks.push(bytes);
    length += bytes.byteLength;
  }
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const bytes of chunks) {
    joined.set(bytes, offset);
    offset += bytes.byteLength;
  }
  return joined;
}
