import type { LinkProof, SignedLink } from '../domain/reports/storage-link.js';
import type { OperationInput } from './operation-types.js';

/** Where the storage stand-in serves an object: `/_storage/<key>` (`downloadReportPart` in the control document). */
const STORAGE_PREFIX = '/_storage/';

/**
 * The path and query of a signed link, in the storage service's pre-signed shape (`X-Amz-Date`, `X-Amz-Expires`,
 * `X-Amz-Signature`).
 *
 * @example
 * storageLinkPath(signer.sign({ jobId, from }, appId, now)); // '/_storage/extraction/…zip?X-Amz-Algorithm=…'
 */
export function storageLinkPath(link: SignedLink): string {
  const { date, expires, signature } = link.proof;
  // Every value is letters, digits and hyphens: nothing to escape, so the query is written directly.
  return (
    `${STORAGE_PREFIX}${link.key}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${date}&X-Amz-Expires=${expires}` +
    `&X-Amz-SignedHeaders=host&X-Amz-Signature=${signature}`
  );
}

/** The storage key and the proof a download request carries, read from its path and query. */
export function storageLinkOf({ path, query }: Pick<OperationInput<'downloadReportPart'>, 'path' | 'query'>): {
  key: string;
  proof: { [K in keyof LinkProof]?: string | undefined };
} {
  return {
    key: `extraction/${path.account_hash}/${path.year}/${path.month}/${path.object}`,
    proof: { date: query['X-Amz-Date'], expires: String(query['X-Amz-Expires']), signature: query['X-Amz-Signature'] },
  };
}
