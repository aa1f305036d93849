import { describe, expect, it } from 'vitest';
import { LINK_LIFETIME_SECONDS, StorageLinkSigner } from './storage-link.js';

const NOW = Date.parse('2030-06-15T12:00:00.000Z');
const JOB = '20c23b25-c97c-4b07-b01f-195c2656a449';
const FROM = Date.parse('2030-06-14T00:00:00.000Z');

describe('StorageLinkSigner', () => {
  it('keeps a link valid for one hour from its issue, then refuses it as expired', () => {
    const signer = new StorageLinkSigner();
    const { key, proof: query } = signer.sign({ jobId: JOB, from: FROM }, 'app-1', NOW);
    expect(LINK_LIFETIME_SECONDS).toBe(3600);
    expect(signer.verify(key, query, NOW + 3_600_000).ok).toBe(true);
    expect(signer.verify(key, query, NOW + 3_600_001)).toEqual({
      ok: false,
      refusal: { code: 'AccessDenied', message: 'Request has expired' },
    });
  });

  it('refuses a link whose key, time, lifetime or signature was changed, or signed by another secret', () => {
    const signer = new StorageLinkSigner('one');
    const { key, proof: query } = signer.sign({ jobId: JOB, from: FROM }, 'app-1', NOW);
    const mismatch = {
      ok: false,
      refusal: {
        code: 'SignatureDoesNotMatch',
        message: 'The request signature we calculated does not match the signature you provided.',
      },
    };
    expect(signer.verify(key.replace(`-${FROM}`, `-${FROM + 1}`), query, NOW)).toEqual(mismatch);
    expect(signer.verify(key, { ...query, date: '20300615T130000Z' }, NOW)).toEqual(mismatch);
    expect(signer.verify(key, { ...query, expires: '86400' }, NOW)).toEqual(mismatch);
    expect(signer.verify(key, { ...query, signature: '0'.repeat(64) }, NOW)).toEqual(mismatch);
    expect(signer.verify(key, { ...query, signature: 'zz' }, NOW)).toEqual(mismatch);
    expect(signer.verify(key, {}, NOW)).toEqual(mismatch);
    expect(new StorageLinkSigner('two').verify(key, query, NOW)).toEqual(mismatch);
  });

  it('gives each account its own key prefix', () => {
    const signer = new StorageLinkSigner();
    expect(signer.key({ jobId: JOB, from: FROM }, 'app-1')).not.toBe(signer.key({ jobId: JOB, from: FROM }, 'app-2'));
  });
});
