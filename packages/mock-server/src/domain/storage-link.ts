import { createHmac, timingSafeEqual } from 'node:crypto';

/** Lifetime of a download link, in seconds: one hour, as the Extract API documents. */
export const LINK_LIFETIME_SECONDS = 3600;

/** What a storage key names: one sub-report of one job. */
export type StorageObject = { jobId: string; from: number };

/** Why the storage stand-in refused a link, in the storage service's own words. */
export type StorageRefusal = { code: 'AccessDenied' | 'SignatureDoesNotMatch'; message: string };

function amzDate(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function parseAmzDate(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/**
 * Pre-signed download links in the shape of the storage service's (`X-Amz-Date`, `X-Amz-Expires`,
 * `X-Amz-Signature`), signed with a per-process secret so a link cannot be forged or altered.
 *
 * @example
 * const signer = new StorageLinkSigner();
 * const path = signer.sign({ jobId, from }, appId, clock.now()); // '/_storage/extraction/…zip?X-Amz-…'
 */
export class StorageLinkSigner {
  private readonly accountHashes = new Map<string, string>();
  private lastDate: { at: number; text: string } | undefined;

  constructor(private readonly secret: string = crypto.randomUUID()) {}

  /** The signing secret, for a durable sandbox to keep across restarts. */
  get secretValue(): string {
    return this.secret;
  }

  /** The path and query of a link to one sub-report, valid for an hour from `issuedAt`. */
  sign(object: StorageObject, appId: string, issuedAt: number): string {
    const key = this.key(object, appId);
    const date = this.amzDateOf(issuedAt);
    const expires = String(LINK_LIFETIME_SECONDS);
    // Every value is letters, digits and hyphens: nothing to escape, so no URLSearchParams (a third of a report GET).
    return (
      `/_storage/${key}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${date}&X-Amz-Expires=${expires}` +
      `&X-Amz-SignedHeaders=host&X-Amz-Signature=${this.signature(key, date, expires)}`
    );
  }

  /** Checks a link at clock time `now`: the object it names, or why it is refused. */
  verify(
    key: string,
    query: { date?: string | undefined; expires?: string | undefined; signature?: string | undefined },
    now: number,
  ): { ok: true; object: StorageObject } | { ok: false; refusal: StorageRefusal } {
    const { date = '', expires = '', signature = '' } = query;
    const expected = Buffer.from(this.signature(key, date, expires), 'hex');
    const given = Buffer.from(signature, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return {
        ok: false,
        refusal: {
          code: 'SignatureDoesNotMatch',
          message: 'The request signature we calculated does not match the signature you provided.',
        },
      };
    }
    const issuedAt = parseAmzDate(date);
    if (!(now <= issuedAt + Number(expires) * 1000)) {
      return { ok: false, refusal: { code: 'AccessDenied', message: 'Request has expired' } };
    }
    const m = /^extraction\/[0-9a-f]{64}\/\d{4}\/\d{2}\/([0-9a-f-]{36})-(\d+)\.zip$/.exec(key);
    if (!m) return { ok: false, refusal: { code: 'AccessDenied', message: 'Access Denied' } };
    return { ok: true, object: { jobId: m[1] as string, from: Number(m[2]) } };
  }

  /** The storage key: `extraction/<account hash>/<yyyy>/<mm>/<job id>-<from ms>.zip`, as Freshchat's links are. */
  key(object: StorageObject, appId: string): string {
    const hash = this.accountHash(appId);
    const iso = new Date(object.from).toISOString();
    return `extraction/${hash}/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${object.jobId}-${object.from}.zip`;
  }

  /** An account's hash in its keys; made once per app id, as every GET of a report signs each of its links. */
  private accountHash(appId: string): string {
    let hash = this.accountHashes.get(appId);
    if (hash === undefined) {
      hash = createHmac('sha256', this.secret).update(appId).digest('hex');
      this.accountHashes.set(appId, hash);
    }
    return hash;
  }

  /** `X-Amz-Date` of the last time signed: the links of one GET share it. */
  private amzDateOf(epochMs: number): string {
    if (this.lastDate?.at !== epochMs) this.lastDate = { at: epochMs, text: amzDate(epochMs) };
    return this.lastDate.text;
  }

  private signature(key: string, date: string, expires: string): string {
    return createHmac('sha256', this.secret).update(`${key}\n${date}\n${expires}`).digest('hex');
  }
}

/** The storage service's XML error body. */
export function storageErrorXml(refusal: StorageRefusal): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${refusal.message}</Message></Error>`;
}
