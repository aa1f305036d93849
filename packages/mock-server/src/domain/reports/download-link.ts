import { createHmac, timingSafeEqual } from 'node:crypto';

/** Lifetime of a download link, in ms of clock time: one hour, as the Extract API documents. */
export const LINK_LIFETIME_MS = 3_600_000;

/** What a download link opens: one sub-report (the part starting at `from`, epoch ms) of one job. */
export type DownloadTarget = { jobId: string; from: number };

/**
 * A download link as a GET of its job issues it, in plain values: what it opens, the account's opaque id in links
 * (`accountHash`: links never show the app id), when it was issued (epoch ms, a whole second), how long it lives,
 * and the last clock time it is accepted (`issuedAt + lifetimeMs`).
 */
export type DownloadLink = DownloadTarget & {
  accountHash: string;
  issuedAt: number;
  lifetimeMs: number;
  expiresAt: number;
};

/**
 * Issues download links and keeps them tamper-evident, with a per-process secret (drawn from the id seed when there
 * is one) so a link cannot be forged or altered. A link is valid for {@link LINK_LIFETIME_MS} of clock time from the
 * whole second of the GET that issued it. How a link is written (the storage service's URL) is the HTTP layer's:
 * it seals the text it writes with {@link seal} and checks it with {@link isSealed}.
 *
 * @example
 * const links = new DownloadLinkSigner();
 * const link = links.issue({ jobId, from }, appId, clock.now()); // { jobId, from, accountHash, issuedAt, … }
 * const signature = links.seal(text); // text: the link as written
 * links.isSealed(text, signature) && !links.hasExpired(link, clock.now()); // true within the hour
 */
export class DownloadLinkSigner {
  private readonly accountHashes = new Map<string, string>();

  constructor(private readonly secret: string = crypto.randomUUID()) {}

  /** A link to one sub-report, issued at the whole second of `now` and valid for an hour from it. */
  issue(target: DownloadTarget, appId: string, now: number): DownloadLink {
    const issuedAt = Math.floor(now / 1000) * 1000;
    return {
      ...target,
      accountHash: this.accountHash(appId),
      issuedAt,
      lifetimeMs: LINK_LIFETIME_MS,
      expiresAt: issuedAt + LINK_LIFETIME_MS,
    };
  }

  /** Whether a link issued at `issuedAt` for `lifetimeMs` is refused at clock time `now` (also when unreadable). */
  hasExpired(link: Pick<DownloadLink, 'issuedAt' | 'lifetimeMs'>, now: number): boolean {
    return !(now <= link.issuedAt + link.lifetimeMs);
  }

  /** The signature (hex) that makes `text`, a link as written, tamper-evident. */
  seal(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('hex');
  }

  /** Whether `signature` is this sandbox's seal of `text`, compared in constant time. */
  isSealed(text: string, signature: string): boolean {
    const expected = Buffer.from(this.seal(text), 'hex');
    const given = Buffer.from(signature, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** An account's opaque id in links; made once per app id, as every GET of a report issues each of its links. */
  private accountHash(appId: string): string {
    let hash = this.accountHashes.get(appId);
    if (hash === undefined) {
      hash = createHmac('sha256', this.secret).update(appId).digest('hex');
      this.accountHashes.set(appId, hash);
    }
    return hash;
  }
}
