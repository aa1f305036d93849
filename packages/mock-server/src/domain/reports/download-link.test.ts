import { describe, expect, it } from 'vitest';
import { DownloadLinkSigner, LINK_LIFETIME_MS } from './download-link.js';

const NOW = Date.parse('2030-06-15T12:00:00.250Z');
const JOB = '20c23b25-c97c-4b07-b01f-195c2656a449';
const FROM = Date.parse('2030-06-14T00:00:00.000Z');

describe('DownloadLinkSigner', () => {
  it('issues a link at the whole second of the GET, valid for one hour from it, then expired', () => {
    const links = new DownloadLinkSigner('secret');
    const link = links.issue({ jobId: JOB, from: FROM }, 'app-1', NOW);
    const issuedAt = Date.parse('2030-06-15T12:00:00.000Z');
    expect(LINK_LIFETIME_MS).toBe(3_600_000);
    expect(link).toEqual({
      jobId: JOB,
      from: FROM,
      accountHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      issuedAt,
      lifetimeMs: 3_600_000,
      expiresAt: issuedAt + 3_600_000,
    });
    expect(links.hasExpired(link, link.expiresAt)).toBe(false);
    expect(links.hasExpired(link, link.expiresAt + 1)).toBe(true);
    expect(links.hasExpired({ issuedAt: Number.NaN, lifetimeMs: 3_600_000 }, NOW)).toBe(true);
  });

  it('gives each account its own opaque id, the same on every issue, and never the app id', () => {
    const links = new DownloadLinkSigner('secret');
    const one = links.issue({ jobId: JOB, from: FROM }, 'app-1', NOW).accountHash;
    expect(links.issue({ jobId: JOB, from: FROM }, 'app-1', NOW + 60_000).accountHash).toBe(one);
    expect(links.issue({ jobId: JOB, from: FROM }, 'app-2', NOW).accountHash).not.toBe(one);
    expect(new DownloadLinkSigner('other').issue({ jobId: JOB, from: FROM }, 'app-1', NOW).accountHash).not.toBe(one);
    expect(one).not.toContain('app-1');
  });

  it('seals a text so that any change to it, to the signature or to the secret is seen', () => {
    const links = new DownloadLinkSigner('one');
    const signature = links.seal('key\n20300615T120000Z\n3600');
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(links.isSealed('key\n20300615T120000Z\n3600', signature)).toBe(true);
    expect(links.isSealed('key\n20300615T130000Z\n3600', signature)).toBe(false);
    expect(links.isSealed('key\n20300615T120000Z\n3600', '0'.repeat(64))).toBe(false);
    expect(links.isSealed('key\n20300615T120000Z\n3600', 'zz')).toBe(false);
    expect(links.isSealed('key\n20300615T120000Z\n3600', '')).toBe(false);
    expect(new DownloadLinkSigner('two').isSealed('key\n20300615T120000Z\n3600', signature)).toBe(false);
  });
});
