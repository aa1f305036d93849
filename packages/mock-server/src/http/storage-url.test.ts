import { describe, expect, it } from 'vitest';
import { DownloadLinkSigner } from '../domain/reports/download-link.js';
import { checkStorageLink, storageLinkPath } from './storage-url.js';

const NOW = Date.parse('2030-06-15T12:00:00.000Z');
const JOB = '20c23b25-c97c-4b07-b01f-195c2656a449';
const FROM = Date.parse('2030-06-14T00:00:00.000Z');

function parse(link: string) {
  const url = new URL(link, 'http://sandbox.local');
  return {
    key: url.pathname.replace(/^\/_storage\//, ''),
    proof: {
      date: url.searchParams.get('X-Amz-Date') ?? undefined,
      expires: url.searchParams.get('X-Amz-Expires') ?? undefined,
      disposition: url.searchParams.get('response-content-disposition') ?? undefined,
      type: url.searchParams.get('response-content-type') ?? undefined,
      signature: url.searchParams.get('X-Amz-Signature') ?? undefined,
    },
  };
}

describe('storageLinkPath', () => {
  it("writes an issued link in the storage service's shape and order, as Freshchat's, naming the job and the part", () => {
    const links = new DownloadLinkSigner('secret');
    const link = storageLinkPath(links.issue({ jobId: JOB, from: FROM }, 'app-1', NOW), links);
    const key = `extraction/[0-9a-f]{64}/2030/06/${JOB}-${FROM}\\.zip`;
    expect(link).toMatch(
      new RegExp(
        `^/_storage/(${key})\\?response-content-disposition=attachment%3B%20filename%3D${key.replaceAll('/', '%2F')}` +
          '&response-content-type=application%2Foctet-stream&X-Amz-Algorithm=AWS4-HMAC-SHA256' +
          '&X-Amz-Date=20300615T120000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=[0-9a-f]{64}$',
      ),
    );
    const parsed = parse(link);
    expect(checkStorageLink(parsed.key, parsed.proof, links, NOW)).toEqual({
      ok: true,
      object: { jobId: JOB, from: FROM },
      // What the storage service answers a link that asks for these headers: the key whole, slashes and all.
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Disposition': `attachment; filename=${parsed.key}`,
      },
    });
  });
});

describe('checkStorageLink', () => {
  it('accepts a link for one hour from its issue, then refuses it as expired', () => {
    const links = new DownloadLinkSigner();
    const { key, proof } = parse(storageLinkPath(links.issue({ jobId: JOB, from: FROM }, 'app-1', NOW), links));
    expect(checkStorageLink(key, proof, links, NOW + 3_600_000).ok).toBe(true);
    expect(checkStorageLink(key, proof, links, NOW + 3_600_001)).toEqual({
      ok: false,
      refusal: { code: 'AccessDenied', message: 'Request has expired' },
    });
  });

  it("refuses a link whose key, time, lifetime, answer's headers or signature was changed, or signed by another secret", () => {
    const links = new DownloadLinkSigner('one');
    const { key, proof } = parse(storageLinkPath(links.issue({ jobId: JOB, from: FROM }, 'app-1', NOW), links));
    const mismatch = {
      ok: false,
      refusal: {
        code: 'SignatureDoesNotMatch',
        message: 'The request signature we calculated does not match the signature you provided.',
      },
    };
    expect(checkStorageLink(key.replace(`-${FROM}`, `-${FROM + 1}`), proof, links, NOW)).toEqual(mismatch);
    expect(checkStorageLink(key.replace('/2030/06/', '/2030/07/'), proof, links, NOW)).toEqual(mismatch);
    expect(checkStorageLink(key, { ...proof, date: '20300615T130000Z' }, links, NOW)).toEqual(mismatch);
    expect(checkStorageLink(key, { ...proof, expires: '86400' }, links, NOW)).toEqual(mismatch);
    expect(checkStorageLink(key, { ...proof, type: 'application/zip' }, links, NOW)).toEqual(mismatch);
    expect(checkStorageLink(key, { ...proof, disposition: 'attachment; filename=x.zip' }, links, NOW)).toEqual(
      mismatch,
    );
    expect(checkStorageLink(key, { ...proof, type: undefined, disposition: undefined }, links, NOW)).toEqual(mismatch);
    expect(checkStorageLink(key, { ...proof, signature: '0'.repeat(64) }, links, NOW)).toEqual(mismatch);
    expect(checkStorageLink(key, { ...proof, signature: 'zz' }, links, NOW)).toEqual(mismatch);
    expect(checkStorageLink(key, {}, links, NOW)).toEqual(mismatch);
    expect(checkStorageLink(key, proof, new DownloadLinkSigner('two'), NOW)).toEqual(mismatch);
  });

  it('refuses a sealed key that names no sub-report as the storage service does', () => {
    const links = new DownloadLinkSigner('one');
    const key = 'extraction/elsewhere.zip';
    const proof = { date: '20300615T120000Z', expires: '3600', disposition: 'attachment', type: 'application/zip' };
    const signature = links.seal(`${key}\n${proof.date}\n${proof.expires}\n${proof.disposition}\n${proof.type}`);
    expect(checkStorageLink(key, { ...proof, signature }, links, NOW)).toEqual({
      ok: false,
      refusal: { code: 'AccessDenied', message: 'Access Denied' },
    });
  });
});
