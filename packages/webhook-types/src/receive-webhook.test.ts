import { describe, expect, it } from 'vitest';
import { receiveWebhook } from './receive-webhook.js';
import { documentExample, exampleWith } from './testing/document-example.js';
import { createSigningKey } from './testing/signing-key.js';

const sender = await createSigningKey();
const publicKey = sender.publicKeyPem;
const exampleBody = JSON.stringify(documentExample);

function delivery(body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}): Request {
  return new Request('http://x/hook', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

async function signedDelivery(body: string, headers: Record<string, string> = {}): Promise<Request> {
  return delivery(body, { 'X-Freshchat-Signature': await sender.sign(body), ...headers });
}

describe('receiveWebhook', () => {
  it('accepts a signed delivery of the example, with its event id, retry count and payload version', async () => {
    const request = await signedDelivery(exampleBody, {
      'X-Freshchat-Payload-Version': '1',
      'X-Retry-Count': '2',
      'X-Sandbox-Event-Id': '0b6f3c8e-1f6e-4a53-9d57-5a3b7f1e2c4d',
    });
    expect(await receiveWebhook(request, { publicKey })).toEqual({
      ok: true,
      event: documentExample,
      eventId: '0b6f3c8e-1f6e-4a53-9d57-5a3b7f1e2c4d',
      retryCount: 2,
      payloadVersion: '1',
    });
  });

  it('defaults the retry count to 0 and leaves the optional headers out when they are absent', async () => {
    const received = await receiveWebhook(await signedDelivery(exampleBody), { publicKey });
    expect(received).toEqual({ ok: true, event: documentExample, retryCount: 0 });
  });

  it('verifies the exact bytes of a non-ASCII body', async () => {
    const body = JSON.stringify(
      exampleWith((p) => {
        p.data.agent_availability.metadata.agent_status.name = 'Café ☕ 休憩';
      }),
    );
    const received = await receiveWebhook(await signedDelivery(body), { publicKey });
    const event = received.ok && received.event.action === 'agent_availability' ? received.event : undefined;
    expect(event?.data.agent_availability.metadata.agent_status.name).toBe('Café ☕ 休憩');
  });

  it('answers 401 missing_signature when the signature header is absent', async () => {
    expect(await receiveWebhook(delivery(exampleBody), { publicKey })).toEqual({
      ok: false,
      rejection: { kind: 'missing_signature', message: 'X-Freshchat-Signature: is required', status: 401 },
    });
  });

  it('answers 401 bad_signature when the signature is of another body', async () => {
    const request = delivery(exampleBody, { 'X-Freshchat-Signature': await sender.sign(`${exampleBody} `) });
    expect(await receiveWebhook(request, { publicKey })).toMatchObject({
      ok: false,
      rejection: { kind: 'bad_signature', status: 401 },
    });
  });

  it('checks the signature before the body: unsigned garbage is a 401, not a 400', async () => {
    const request = delivery('this is not json', { 'X-Freshchat-Signature': 'Z2FyYmFnZQ==' });
    expect(await receiveWebhook(request, { publicKey })).toMatchObject({
      ok: false,
      rejection: { kind: 'bad_signature', status: 401 },
    });
  });

  it('answers 400 malformed_body for signed garbage', async () => {
    expect(await receiveWebhook(await signedDelivery('this is not json'), { publicKey })).toMatchObject({
      ok: false,
      rejection: { kind: 'malformed_body', status: 400 },
    });
  });

  it('answers 400 for a signed but invalid or unknown event, naming the field', async () => {
    const invalid = JSON.stringify(exampleWith((p) => Reflect.deleteProperty(p.data.agent_availability, 'agent_id')));
    expect(await receiveWebhook(await signedDelivery(invalid), { publicKey })).toEqual({
      ok: false,
      rejection: { kind: 'invalid_payload', message: 'data.agent_availability.agent_id: is required', status: 400 },
    });
    const unknown = JSON.stringify({ ...documentExample, action: 'ticket_create' });
    expect(await receiveWebhook(await signedDelivery(unknown), { publicKey })).toMatchObject({
      ok: false,
      rejection: { kind: 'unknown_action', status: 400 },
    });
  });

  it('refuses, with a clear error, a request whose body was already read', async () => {
    const request = await signedDelivery(exampleBody);
    await request.text();
    await expect(receiveWebhook(request, { publicKey })).rejects.toThrow(/body was already read/);
  });

  it('rejects when the configured public key is not a PEM key', async () => {
    await expect(receiveWebhook(await signedDelivery(exampleBody), { publicKey: 'oops' })).rejects.toThrow(
      /Invalid webhook public key/,
    );
  });
});
