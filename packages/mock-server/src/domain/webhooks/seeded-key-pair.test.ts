import { createPublicKey, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seededRsaKey } from './seeded-key-pair.js';

const spki = (key: ReturnType<typeof seededRsaKey>) =>
  createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();

describe('seededRsaKey', () => {
  it('makes a valid 2048-bit RSA key that signs and verifies', () => {
    const key = seededRsaKey(7, 'f18dcf5f-338b-421e-b329-3dfd39b068d0');
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048, publicExponent: 65537n });
    const body = Buffer.from('{"action":"agent_availability"}');
    const signature = sign('sha256', body, key);
    expect(verify('sha256', body, createPublicKey(key), signature)).toBe(true);
  });

  it('makes the same key from the same seed and label, and another from another label or seed', () => {
    const key = spki(seededRsaKey(7, 'account-a'));
    expect(spki(seededRsaKey(7, 'account-a'))).toBe(key);
    expect(spki(seededRsaKey(7, 'account-b'))).not.toBe(key);
    expect(spki(seededRsaKey(8, 'account-a'))).not.toBe(key);
  });
});
