import type { DownloadLink, DownloadLinkSigner, DownloadTarget } from '../domain/reports/download-link.js';
import type { OperationInput } from './operation-types.js';
import type { StorageRefusal } from './storage-error.js';

/** Where the storage stand-in serves an object: `/_storage/<key>` (`downloadReportPart` in the control document). */
const STORAGE_PREFIX = '/_storage/';

/**
 * What a download request carries to prove this sandbox issued its link, as the storage service's pre-signed query
 * writes it: when (`date`, `X-Amz-Date`, `YYYYMMDDTHHMMSSZ`), for how many seconds (`expires`, `X-Amz-Expires`), the
 * answer's headers it asks for (`disposition` and `type`, `response-content-disposition` and
 * `response-content-type`), and the signature (`X-Amz-Signature`) over the storage key and all of those.
 */
type LinkProof = {
  date?: string | undefined;
  expires?: string | undefined;
  disposition?: string | undefined;
  type?: string | undefined;
  signature?: string | undefined;
};

/**
 * The answer's headers that Freshchat's links ask the storage service for: the zip as a plain byte stream, to be
 * saved under its whole key (slashes included), which the storage service then answers verbatim.
 */
function answerHeadersOf(key: string): { disposition: string; type: string } {
  return { disposition: `attachment; filename=${key}`, type: 'application/octet-stream' };
}

/** The storage key: `extraction/<account hash>/<yyyy>/<mm>/<job id>-<from ms>.zip`, as Freshchat's links are. */
function storageKey(link: DownloadLink): string {
  const iso = new Date(link.from).toISOString();
  return `extraction/${link.accountHash}/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${link.jobId}-${link.from}.zip`;
}

const STORAGE_KEY = /^extraction\/[0-9a-f]{64}\/\d{4}\/\d{2}\/([0-9a-f-]{36})-(\d+)\.zip$/;

/** The text a link's signature seals: the key, the issue time, the lifetime and the answer's headers, one a line. */
function sealedText(key: string, proof: LinkProof): string {
  return `${key}\n${proof.date ?? ''}\n${proof.expires ?? ''}\n${proof.disposition ?? ''}\n${proof.type ?? ''}`;
}

/** The last issue time written: the links of one GET share it. */
let lastDate: { at: number; text: string } | undefined;

/** An issue time (epoch ms, a whole second) as the storage service writes it: `YYYYMMDDTHHMMSSZ`. */
function amzDate(epochMs: number): string {
  if (lastDate?.at !== epochMs) {
    const text = new Date(epochMs)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    lastDate = { at: epochMs, text };
  }
  return lastDate.text;
}

function parseAmzDate(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/**
 * The path and query of an issued link, in the storage service's pre-signed shape and order, as Freshchat's are:
 * `response-content-disposition` and `response-content-type` (the answer's headers), `X-Amz-Date`, `X-Amz-Expires`,
 * `X-Amz-Signature`, all sealed by `links`.
 *
 * @example
 * storageLinkPath(links.issue({ jobId, from }, appId, now), links);
 * // '/_storage/extraction/…zip?response-content-disposition=attachment%3B%20filename%3Dextraction%2F…'
 */
export function storageLinkPath(link: DownloadLink, links: DownloadLinkSigner): string {
  const key = storageKey(link);
  const date = amzDate(link.issuedAt);
  const expires = String(link.lifetimeMs / 1000);
  const { disposition, type } = answerHeadersOf(key);
  const signature = links.seal(sealedText(key, { date, expires, disposition, type }));
  // The other values are letters, digits and hyphens: nothing to escape.
  return (
    `${STORAGE_PREFIX}${key}?response-content-disposition=${encodeURIComponent(disposition)}` +
    `&response-content-type=${encodeURIComponent(type)}&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${date}` +
    `&X-Amz-Expires=${expires}&X-Amz-SignedHeaders=host&X-Amz-Signature=${signature}`
  );
}

/** The storage key and the proof a download request carries, read from its path and query. */
export function storageLinkOf({ path, query }: Pick<OperationInput<'downloadReportPart'>, 'path' | 'query'>): {
  key: string;
  proof: LinkProof;
} {
  return {
    key: `extraction/${path.account_hash}/${path.year}/${path.month}/${path.object}`,
    proof: {
      date: query['X-Amz-Date'],
      expires: String(query['X-Amz-Expires']),
      disposition: query['response-content-disposition'],
      type: query['response-content-type'],
      signature: query['X-Amz-Signature'],
    },
  };
}

/**
 * Checks a download request's link at clock time `now`, in the storage service's order and words: a signature that
 * does not seal its key, time, lifetime and answer's headers, then an expired link, then a key that names no
 * sub-report. What it accepts comes with the headers to answer with, as the link asked for them.
 *
 * @example
 * const { key, proof } = storageLinkOf(input);
 * const checked = checkStorageLink(key, proof, sandbox.links, sandbox.clock.now());
 * if (!checked.ok) return storageRefusal(checked.refusal);
 */
export function checkStorageLink(
  key: string,
  proof: LinkProof,
  links: DownloadLinkSigner,
  now: number,
):
  | { ok: true; object: DownloadTarget; headers: { 'Content-Type': string; 'Content-Disposition': string } }
  | { ok: false; refusal: StorageRefusal } {
  const { date = '', expires = '', disposition = '', type = '', signature = '' } = proof;
  if (!links.isSealed(sealedText(key, proof), signature)) {
    return {
      ok: false,
      refusal: {
        code: 'SignatureDoesNotMatch',
        message: 'The request signature we calculated does not match the signature you provided.',
      },
    };
  }
  if (links.hasExpired({ issuedAt: parseAmzDate(date), lifetimeMs: Number(expires) * 1000 }, now)) {
    return { ok: false, refusal: { code: 'AccessDenied', message: 'Request has expired' } };
  }
  const m = STORAGE_KEY.exec(key);
  if (!m) return { ok: false, refusal: { code: 'AccessDenied', message: 'Access Denied' } };
  return {
    ok: true,
    object: { jobId: m[1] as string, from: Number(m[2]) },
    headers: { 'Content-Type': type, 'Content-Disposition': disposition },
  };
}
