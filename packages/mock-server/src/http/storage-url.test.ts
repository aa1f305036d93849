import { describe, expect, it } from 'vitest';
import { StorageLinkSigner } from '../domain/reports/storage-link.js';
import { storageLinkPath } from './storage-url.js';

const NOW = Date.parse('2030-06-15T12:00:00.000Z');
const JOB = '20c23b25-c97c-4b07-b01f-195c2656a449';
const FROM = Date.parse('2030-06-14T00:00:00.000Z');

function parse(link: string) {
  const url = new URL(link, 'http://sandbox.local');
  return {
    key: url.pathname.replace(/^\/_storage\//, ''),
    query: {
      date: url.searchParams.get('X-Amz-Date') ?? undefined,
      expires: url.searchParams.get('X-Amz-Expires') ?? undefined,
      signature: url.searchParams.get('X-Amz-Signature') ?? undefined,
    },
  };
}

describe('storageLinkPath', () => {
  it("signs a link in the storage service's shape, naming the job and the part", () => {
    const signer = new StorageLinkSigner('secret');
    const link = storageLinkPath(signer.sign({ jobId: JOB, from: FROM }, 'app-1', NOW));
    expect(link).toMatch(
      new RegExp(
        `^/_storage/extraction/[0-9a-f]{64}/2030/06/${JOB}-${FROM}\\.zip\\?X-Amz-Algorithm=AWS4-HMAC-SHA256` +
          '&X-Amz-Date=20300615T120000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=[0-9a-f]{64}$',
      ),
    );
    const { key, query } = parse(link);
    expect(signer.verify(key, query, NOW)).toEqual({ ok: true, object: { jobId: JOB, from: FROM } });
  });
});
