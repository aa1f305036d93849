import { createHmac, timingSafeEqual } from 'node:crypto';

/** Lifetime of a download link, in seconds: one hour, as the Extract API documents. */
export const LINK_LIFETIME_SECONDS = 3600;

/** What a storage key names: one sub-report of one job. */
export type StorageObject = { jobId: string; from: number };

/**
 * Why the storage stand-in refused a link, in the storage service's own words: 403 unless `status` says otherwise;
 * `argumentName` names the offending argument, as the storage service's `InvalidArgument` answers do.
 */
export type StorageRefusal = {
  code: 'AccessDenied' | 'SignatureDoesNotMatch' | 'InvalidArgument';
  message: string;
  status?: 400 | 403 | undefined;
  argumentName?: string | undefined;
};

/**
 * What a download link carries to prove this sandbox issued it: when (`date`, `YYYYMMDDTHHMMSSZ`), for how many
 * seconds (`expires`), and the signature over the storage key, that time and that lifetime.
 */
export type LinkProof = { date: string; expires: string; signature: string };

/** A link to one sub-report as issued: the storage key it opens, its proof, and the last clock time it is accepted. */
export type SignedLink = { key: string; proof: LinkProof; expiresAt: number };

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

/** The last clock time (epoch ms) a link issued at `date` for `expires` seconds is accepted; NaN when unreadable. */
function expiryOf(date: string, expires: string): number {
  return parseAmzDate(date) + Number(expires) * 1000;
}

/**
 * Signs and checks download links, with a per-process secret so a link cannot be forged or altered. A link is
 * valid for {@link LINK_LIFETIME_SECONDS} of clock time from its issue, in whole seconds.
 *
 * @example
 * const signer = new StorageLinkSigner();
 * const link = signer.sign({ jobId, from }, appId, clock.now()); // { key: 'extraction/…zip', proof, expiresAt }
 * signer.verify(link.key, link.proof, clock.now()); // { ok: true, object: { jobId, from } }
 */
export class StorageLinkSigner {
  private readonly accountHashes = new Map<string, string>();
  private lastDate: { at: number; text: string; expiresAt: number } | undefined;

  constructor(private readonly secret: string = crypto.randomUUID()) {}

  /** A link to one sub-report, valid for an hour from `issuedAt`. */
  sign(object: StorageObject, appId: string, issuedAt: number): SignedLink {
    const key = this.key(object, appId);
    const { text: date, expiresAt } = this.dateOf(issuedAt);
    const expires = String(LINK_LIFETIME_SECONDS);
    return { key, proof: { date, expires, signature: this.signature(key, date, expires) }, expiresAt };
  }

  /** Checks a link at clock time `now`: the object it names, or why it is refused. */
  verify(
    key: string,
    proof: { [K in keyof LinkProof]?: string | undefined },
    now: number,
  ): { ok: true; object: StorageObject } | { ok: false; refusal: StorageRefusal } {
    const { date = '', expires = '', signature = '' } = proof;
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
    if (!(now <= expiryOf(date, expires))) {
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

  /** The issue time as a link writes it, and the expiry, of the last time signed: the links of one GET share them. */
  private dateOf(epochMs: number): { text: string; expiresAt: number } {
    if (this.lastDate?.at !== epochMs) {
      const text = amzDate(epochMs);
      this.lastDate = { at: epochMs, text, expiresAt: expiryOf(text, String(LINK_LIFETIME_SECONDS)) };
    }
    return this.lastDate;
  }

  private signature(key: string, date: string, expires: string): string {
    return createHmac('sha256', this.secret).update(`${key}\n${date}\n${expires}`).digest('hex');
  }
}
