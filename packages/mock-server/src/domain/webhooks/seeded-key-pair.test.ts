import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seededRsaKey } from './seeded-key-pair.js';

const spki = (key: KeyObject) => createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();

describe('seededRsaKey', () => {
  it('makes a valid 2048-bit RSA key that signs and verifies', async () => {
    const key = await seededRsaKey(7, 'f18dcf5f-338b-421e-b329-3dfd39b068d0');
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048, publicExponent: 65537n });
    const body = Buffer.from('{"action":"agent_availability"}');
    const signature = sign('sha256', body, key);
    expect(verify('sha256', body, createPublicKey(key), signature)).toBe(true);
  });

  it('makes the same key from the same seed and label, and another from another label or seed', async () => {
    const key = spki(await seededRsaKey(7, 'account-a'));
    expect(spki(await seededRsaKey(7, 'account-a'))).toBe(key);
    expect(spki(await seededRsaKey(7, 'account-b'))).not.toBe(key);
    expect(spki(await seededRsaKey(8, 'account-a'))).not.toBe(key);
  });

  it('makes the key earlier versions made from a seed (its SHA-256 fingerprint), so seeded signatures repeat', async () => {
    const der = createPublicKey(await seededRsaKey(7, 'account-a')).export({ type: 'spki', format: 'der' });
    expect(createHash('sha256').update(der).digest('hex')).toBe(
      'd5a7333cf407f87d687c2d780e661f0f9f453364ecb80c7d1fb53f03e23039ed',
    );
  });

  it('leaves the event loop free while it searches', async () => {
    let turns = 0;
    let searching = true;
    const count = () => {
      turns++;
      if (searching) setImmediate(count);
    };
    setImmediate(count);
    await seededRsaKey(9, 'account-c');
    searching = false;
    expect(turns).toBeGreaterThan(10);
  });
});
