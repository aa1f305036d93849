import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { importPublicKey } from './public-key.js';
import { createSigningKey } from './testing/signing-key.js';
import { verifySignature } from './verify-signature.js';

// Node's own PEM encoder is the reference here, independent of the code under test.
const sender = await createSigningKey();
const nodeKey = createPublicKey(sender.publicKeyPem);
const body = '{"action":"agent_availability"}';
const signature = await sender.sign(body);

function pemBody(pem: string): string {
  return pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
}

describe('importPublicKey', () => {
  it('imports an SPKI "PUBLIC KEY" PEM', async () => {
    const pem = nodeKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(await verifySignature(body, signature, pem)).toBe(true);
  });

  it('imports a PKCS#1 "RSA PUBLIC KEY" PEM', async () => {
    const pem = nodeKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pem).toContain('-----BEGIN RSA PUBLIC KEY-----');
    expect(await verifySignature(body, signature, pem)).toBe(true);
  });

  it('imports SPKI under the "RSA PUBLIC KEY" label, collapsed onto one line, as Freshchat shows its keys', async () => {
    const spki = pemBody(nodeKey.export({ type: 'spki', format: 'pem' }).toString());
    const pem = `-----BEGIN RSA PUBLIC KEY----- ${spki} -----END RSA PUBLIC KEY-----`;
    expect(await verifySignature(body, signature, pem)).toBe(true);
  });

  it('refuses a key that is not RSA', async () => {
    const ecKey = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', ecKey.publicKey));
    const pem = `-----BEGIN PUBLIC KEY-----\n${btoa(String.fromCharCode(...spki))}\n-----END PUBLIC KEY-----`;
    await expect(importPublicKey(pem)).rejects.toThrow(
      'Invalid webhook public key: the PEM does not hold an RSA public key',
    );
  });

  it('does not keep a failed import: the same bad PEM fails again with the same error', async () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----';
    await expect(importPublicKey(pem)).rejects.toThrow(/neither SPKI nor PKCS#1/);
    await expect(importPublicKey(pem)).rejects.toThrow(/neither SPKI nor PKCS#1/);
  });

  it('returns the same key for the same PEM', async () => {
    expect(await importPublicKey(sender.publicKeyPem)).toBe(await importPublicKey(sender.publicKeyPem));
  });
});
