import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain-error.js';
import { SANDBOX_WEBHOOK_PRIVATE_KEY } from './sandbox-webhook-key.js';
import { WebhookSubscriptions } from './webhook-subscriptions.js';

const restored = (pem: string) => {
  const subscriptions = new WebhookSubscriptions();
  subscriptions.restoreKeyPair(pem);
  return subscriptions.keyPair();
};

describe('WebhookSubscriptions.restoreKeyPair', () => {
  it('parses a PEM once: accounts restored from the same key share it, with the public key Freshchat would show', async () => {
    const first = await restored(SANDBOX_WEBHOOK_PRIVATE_KEY);
    const second = await restored(SANDBOX_WEBHOOK_PRIVATE_KEY);
    expect(second.privateKey).toBe(first.privateKey);
    const expected = createPublicKey(createPrivateKey(SANDBOX_WEBHOOK_PRIVATE_KEY))
      .export({ type: 'spki', format: 'pem' })
      .toString();
    expect(second.publicKeyPem).toBe(expected);
  });

  it('refuses a PEM that is no RSA key of 2048 bits every time it is given, naming webhook_private_key', () => {
    const notAKey = '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n';
    for (let i = 0; i < 2; i++) {
      expect(() => new WebhookSubscriptions().restoreKeyPair(notAKey)).toThrow(
        new DomainError('invalid', 'INVALID_VALUE', 'webhook_private_key: must be an RSA private key in PEM'),
      );
    }
  });
});
