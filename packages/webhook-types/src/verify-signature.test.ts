import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { documentExample } from './testing/document-example.js';
import { createSigningKey } from './testing/signing-key.js';
import { verifySignature } from './verify-signature.js';

const sender = await createSigningKey();
const exampleBody = JSON.stringify(documentExample);

describe('verifySignature', () => {
  it("accepts the sender's signature of the document's example, as bytes or as a UTF-8 string", async () => {
    const signature = await sender.sign(exampleBody);
    const bytes = new TextEncoder().encode(exampleBody);
    expect(await verifySignature(bytes, signature, sender.publicKeyPem)).toBe(true);
    expect(await verifySignature(bytes.buffer, signature, sender.publicKeyPem)).toBe(true);
    expect(await verifySignature(exampleBody, signature, sender.publicKeyPem)).toBe(true);
  });

  it("verifies a signature from Node's own RSA signer, as the sandbox signs deliveries", async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const body = new TextEncoder().encode(exampleBody);
    const signature = sign('sha256', body, privateKey).toString('base64');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(await verifySignature(body, signature, pem)).toBe(true);
    expect(await verifySignature(body, signature, sender.publicKeyPem)).toBe(false);
  });

  it('refuses a body with one byte changed', async () => {
    const signature = await sender.sign(exampleBody);
    const tampered = new TextEncoder().encode(exampleBody);
    const at = exampleBody.indexOf('UNAVAILABLE');
    tampered[at] = 'X'.charCodeAt(0);
    expect(await verifySignature(tampered, signature, sender.publicKeyPem)).toBe(false);
  });

  describe('a non-ASCII body', () => {
    const body = JSON.stringify({
      ...documentExample,
      data: {
        agent_availability: {
          ...documentExample.data.agent_availability,
          metadata: { agent_status: { id: '8e755ebf-6921-465d-b713-985a8ad13c04', name: 'Café ☕ 休憩' } },
        },
      },
    });
    const rawBytes = new TextEncoder().encode(body);

    it('verifies on the raw bytes', async () => {
      expect(await verifySignature(rawBytes, await sender.sign(rawBytes), sender.publicKeyPem)).toBe(true);
    });

    it('fails once re-serialised with \\u escapes, though it parses to the same value', async () => {
      const signature = await sender.sign(rawBytes);
      const escaped = body.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
      expect(JSON.parse(escaped)).toEqual(JSON.parse(body));
      expect(await verifySignature(escaped, signature, sender.publicKeyPem)).toBe(false);
    });

    it('fails once decoded with the wrong charset and encoded again', async () => {
      const signature = await sender.sign(rawBytes);
      const misread = new TextDecoder('latin1').decode(rawBytes);
      expect(await verifySignature(misread, signature, sender.publicKeyPem)).toBe(false);
    });
  });

  it('refuses a signature made with another key', async () => {
    const stranger = await createSigningKey();
    expect(await verifySignature(exampleBody, await stranger.sign(exampleBody), sender.publicKeyPem)).toBe(false);
  });

  it.each([
    ['missing', null],
    ['undefined', undefined],
    ['empty', ''],
    ['blank', '   '],
    ['not base64', 'not base64 at all!'],
    ['too short', btoa('short')],
    ['the right length but wrong', btoa('x'.repeat(256))],
  ])('answers false, without throwing, for a %s signature', async (_label, signature) => {
    await expect(verifySignature(exampleBody, signature, sender.publicKeyPem)).resolves.toBe(false);
  });

  it.each([
    ['no PEM armour', 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'],
    ['an empty string', ''],
    ['a private key', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----'],
    ['a body that is not base64', '-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----'],
    ['a body that is not a key', `-----BEGIN PUBLIC KEY-----\n${btoa('hello world')}\n-----END PUBLIC KEY-----`],
  ])('throws a clear error for a public key with %s', async (_label, pem) => {
    const signature = await sender.sign(exampleBody);
    await expect(verifySignature(exampleBody, signature, pem)).rejects.toThrow(/^Invalid webhook public key: /);
  });

  it('reports a malformed key even when the signature is missing', async () => {
    await expect(verifySignature(exampleBody, null, 'not a key')).rejects.toThrow(/Invalid webhook public key/);
  });

  it('imports a key once however many deliveries it verifies', async () => {
    const key = await createSigningKey();
    const signature = await key.sign(exampleBody);
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    try {
      const results = await Promise.all([1, 2, 3].map(() => verifySignature(exampleBody, signature, key.publicKeyPem)));
      expect(await verifySignature(exampleBody, signature, key.publicKeyPem)).toBe(true);
      expect(results).toEqual([true, true, true]);
      expect(importKey).toHaveBeenCalledTimes(1);
    } finally {
      importKey.mockRestore();
    }
  });
});
