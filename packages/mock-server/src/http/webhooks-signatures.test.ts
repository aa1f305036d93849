import { receiveWebhook, SIGNATURE_HEADER, verifySignature } from '@freshchat-sandbox/webhook-types';
import { describe, expect, it } from 'vitest';
import { IDS, patchAgent } from '../testing/sandbox-harness.js';
import { type Delivery, sandboxWithEndpoints, text } from '../testing/webhook-endpoints.js';

describe('the agent_availability webhook', () => {
  it('carries a signature that verifies with the PEM from /_mock/webhooks/public-key, and not for a tampered body', async () => {
    const sandbox = sandboxWithEndpoints();
    const hook = await sandbox.subscribe('http://receiver.test/hook');

    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();

    const [delivery] = hook.deliveries as [Delivery];
    const signature = delivery.headers.get(SIGNATURE_HEADER);
    expect(await verifySignature(delivery.body, signature, hook.publicKey)).toBe(true);
    expect(await verifySignature(text(delivery.body), signature, hook.publicKey)).toBe(true);

    const tampered = new TextEncoder().encode(text(delivery.body).replace('"UNAVAILABLE"', '"AVAILABLE"'));
    expect(tampered).not.toEqual(delivery.body);
    expect(await verifySignature(tampered, signature, hook.publicKey)).toBe(false);
    const forged = new Request('http://receiver.test/hook', {
      method: 'POST',
      headers: { [SIGNATURE_HEADER]: signature ?? '', 'Content-Type': 'application/json' },
      body: tampered,
    });
    expect(await receiveWebhook(forged, { publicKey: hook.publicKey })).toMatchObject({
      ok: false,
      rejection: { kind: 'bad_signature', status: 401 },
    });
  });

  it('verifies with the key from /_mock/webhooks/public-key?format=freshchat, read by webhook-types, as Freshchat shows it', async () => {
    const sandbox = sandboxWithEndpoints();
    const hook = await sandbox.subscribe('http://receiver.test/hook');
    const shown = await sandbox.raw('/_mock/webhooks/public-key?format=freshchat', {
      headers: { Authorization: 'Bearer sandbox-token' },
    });
    const oneLine = await shown.text();

    await patchAgent(sandbox, IDS.john, { availability_status: 'UNAVAILABLE' });
    await sandbox.settle();

    expect(shown.status).toBe(200);
    expect(shown.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(oneLine).toMatch(/^-----BEGIN RSA PUBLIC KEY----- [A-Za-z0-9+/=]+ -----END RSA PUBLIC KEY-----$/);
    // The same key as the PEM, only written differently.
    expect(oneLine.replace(/-----[A-Z ]+-----|\s/g, '')).toBe(hook.publicKey.replace(/-----[A-Z ]+-----|\s/g, ''));
    const [delivery] = hook.deliveries as [Delivery];
    expect(await verifySignature(delivery.body, delivery.headers.get(SIGNATURE_HEADER), oneLine)).toBe(true);
    const request = new Request('http://receiver.test/hook', {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(await receiveWebhook(request, { publicKey: oneLine })).toMatchObject({ ok: true });
  });
});
