import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeWebhookRequest, receiveNodeWebhook } from './receive-node-webhook.js';
import type { ReceivedWebhook } from './receive-webhook.js';
import { documentExample, exampleWith } from './testing/document-example.js';
import { createSigningKey } from './testing/signing-key.js';

const sender = await createSigningKey();
const publicKey = sender.publicKeyPem;
const exampleBody = JSON.stringify(documentExample);

// A real node:http server on 127.0.0.1, so the helper reads a real IncomingMessage off a socket.
let server: Server;
let url: string;
let lastReceived: ReceivedWebhook | Error;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    try {
      lastReceived = await receiveNodeWebhook(req, { publicKey });
      res.writeHead(lastReceived.ok ? 204 : lastReceived.rejection.status).end();
    } catch (error) {
      lastReceived = error as Error;
      res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function post(body: string, headers: Record<string, string>): Promise<number> {
  const answer = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
  return answer.status;
}

/** An Express-like request whose body a parser already took off the stream. */
function parsedRequest(body: unknown, headers: Record<string, string>): NodeWebhookRequest {
  return {
    headers,
    body,
    readableEnded: true,
    async *[Symbol.asyncIterator]() {
      // The stream is spent: a parser read it.
    },
  };
}

describe('receiveNodeWebhook on a node:http IncomingMessage', () => {
  it('accepts a signed delivery, with its event id, retry count and payload version', async () => {
    const status = await post(exampleBody, {
      'X-Freshchat-Signature': await sender.sign(exampleBody),
      'X-Freshchat-Payload-Version': '1',
      'X-Retry-Count': '3',
      'X-Sandbox-Event-Id': '0b6f3c8e-1f6e-4a53-9d57-5a3b7f1e2c4d',
    });
    expect(status).toBe(204);
    expect(lastReceived).toEqual({
      ok: true,
      event: documentExample,
      eventId: '0b6f3c8e-1f6e-4a53-9d57-5a3b7f1e2c4d',
      retryCount: 3,
      payloadVersion: '1',
    });
  });

  it('verifies the exact bytes of a non-ASCII body that arrives in several chunks', async () => {
    const body = JSON.stringify(
      exampleWith((p) => {
        p.data.agent_availability.metadata.agent_status.name = `Café ☕ 休憩 ${'x'.repeat(200_000)}`;
      }),
    );
    expect(await post(body, { 'X-Freshchat-Signature': await sender.sign(body) })).toBe(204);
    const event = !(lastReceived instanceof Error) && lastReceived.ok ? lastReceived.event : undefined;
    expect(event?.action === 'agent_availability' && event.data.agent_availability.metadata.agent_status.name).toMatch(
      /^Café ☕ 休憩 x+$/,
    );
  });

  it('answers 401 bad_signature for a body that is not the one signed', async () => {
    const status = await post(exampleBody.replace('AVAILABLE', 'UNAVAILABLE'), {
      'X-Freshchat-Signature': await sender.sign(exampleBody),
    });
    expect(status).toBe(401);
    expect(lastReceived).toMatchObject({ ok: false, rejection: { kind: 'bad_signature', status: 401 } });
  });

  it('answers 401 missing_signature without the header', async () => {
    expect(await post(exampleBody, {})).toBe(401);
    expect(lastReceived).toEqual({
      ok: false,
      rejection: { kind: 'missing_signature', message: 'X-Freshchat-Signature: is required', status: 401 },
    });
  });

  it('answers 400 naming the field for a signed body that breaks the schema', async () => {
    const body = JSON.stringify(
      exampleWith((p) => {
        (p.data.agent_availability as { status: string }).status = 'BUSY';
      }),
    );
    expect(await post(body, { 'X-Freshchat-Signature': await sender.sign(body) })).toBe(400);
    expect(lastReceived).toMatchObject({ ok: false, rejection: { kind: 'invalid_payload', status: 400 } });
    expect(!(lastReceived instanceof Error) && !lastReceived.ok && lastReceived.rejection.message).toMatch(
      /^data\.agent_availability\.status: /,
    );
  });
});

describe('receiveNodeWebhook after a body parser', () => {
  it('takes the bytes express.raw() left in req.body (a Buffer)', async () => {
    const headers = { 'x-freshchat-signature': await sender.sign(exampleBody), 'x-retry-count': '1' };
    const received = await receiveNodeWebhook(parsedRequest(Buffer.from(exampleBody), headers), { publicKey });
    expect(received).toEqual({ ok: true, event: documentExample, retryCount: 1 });
  });

  it('takes the text express.text() left in req.body, encoded back to UTF-8', async () => {
    const headers = { 'x-freshchat-signature': await sender.sign(exampleBody) };
    const received = await receiveNodeWebhook(parsedRequest(exampleBody, headers), { publicKey });
    expect(received).toEqual({ ok: true, event: documentExample, retryCount: 0 });
  });

  it('rejects with a TypeError naming the fix when express.json() already parsed the body', async () => {
    const headers = { 'x-freshchat-signature': await sender.sign(exampleBody) };
    await expect(receiveNodeWebhook(parsedRequest(documentExample, headers), { publicKey })).rejects.toThrow(
      /already read or parsed.*express\.raw/,
    );
  });

  it('joins a repeated header as the Fetch API does, which a signature never matches', async () => {
    const signature = await sender.sign(exampleBody);
    const request = parsedRequest(Buffer.from(exampleBody), {});
    request.headers['x-freshchat-signature'] = [signature, signature];
    expect(await receiveNodeWebhook(request, { publicKey })).toMatchObject({
      ok: false,
      rejection: { kind: 'bad_signature' },
    });
  });
});
