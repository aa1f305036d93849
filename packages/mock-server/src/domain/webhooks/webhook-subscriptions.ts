import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { DomainError } from '../domain-error.js';
import { type IdSource, randomIds } from '../id-source.js';

/**
 * The public key the way Freshchat's admin page shows it: the PEM's base64 on one line, under the
 * `RSA PUBLIC KEY` label (the body stays SubjectPublicKeyInfo, as Freshchat's keys have been seen).
 *
 * @example
 * freshchatKeyLine(pem); // '-----BEGIN RSA PUBLIC KEY----- MIIBIjANBg… -----END RSA PUBLIC KEY-----'
 */
export function freshchatKeyLine(publicKeyPem: string): string {
  const base64 = publicKeyPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  return `-----BEGIN RSA PUBLIC KEY----- ${base64} -----END RSA PUBLIC KEY-----`;
}

/** The account's signing key pair: the private key signs, the PEM public key verifies. */
export type SigningKeyPair = { privateKey: KeyObject; publicKeyPem: string };

/**
 * Private keys already parsed and checked, by their PEM. A seed's key is restored every time its account is built (twice
 * as a sandbox starts, and at every reset), and parsing one costs about a millisecond; a key cannot change, so
 * accounts share it. Bounded, as seeds given through the control API are the client's to choose.
 */
const parsedKeys = new Map<string, KeyObject>();

/** An account's key pair; the public key's PEM is worked out when first asked for (most starts never ask). */
class KeyPair implements SigningKeyPair {
  #publicKeyPem: string | undefined;

  constructor(readonly privateKey: KeyObject) {}

  get publicKeyPem(): string {
    this.#publicKeyPem ??= createPublicKey(this.privateKey).export({ type: 'spki', format: 'pem' }).toString();
    return this.#publicKeyPem;
  }
}

/** A URL that receives the account's webhooks. */
export type WebhookSubscription = { id: string; url: string; createdAt: number };

/**
 * One account's webhook subscriptions and its signing key pair. The key pair is made on first use, asynchronously
 * (RSA key generation takes tens of milliseconds to seconds, off the event loop), and most sandboxes never sign
 * anything.
 */
export class WebhookSubscriptions {
  private readonly subscriptions: WebhookSubscription[] = [];
  private keys: SigningKeyPair | undefined;
  private making: Promise<SigningKeyPair> | undefined;

  /**
   * @param newId where subscription ids come from
   * @param onKeyPair told the private key (PKCS#8 PEM) when one is made: the sandbox commits it as an event (and
   *   throws when the event cannot be kept, so no key is used that a restart would not have)
   * @param makeKey makes the private key on first use: a random 2048-bit RSA key by default (a seeded sandbox
   *   derives it from its seed)
   * @param capacity how many subscriptions the account may hold
   */
  constructor(
    private readonly newId: IdSource = randomIds,
    private readonly onKeyPair: (privateKeyPem: string) => void = () => {},
    private readonly makeKey: () => Promise<KeyObject> | undefined = randomRsaKey,
    private readonly capacity = 100,
  ) {}

  /** How many subscriptions the account has (without copying the list, as `all` does). */
  get size(): number {
    return this.subscriptions.length;
  }

  /** Every subscription, oldest first. */
  all(): WebhookSubscription[] {
    return [...this.subscriptions];
  }

  /** Whether the subscription `id` still exists. */
  has(id: string): boolean {
    return this.subscriptions.some((s) => s.id === id);
  }

  /**
   * Subscribes `url`; only http and https URLs are accepted. Idempotent per URL (after normalisation): a URL that
   * is already subscribed keeps its one subscription, returned with `created: false`, so it gets each event once.
   */
  add(url: string, at: number): { subscription: WebhookSubscription; created: boolean } {
    const planned = this.plan(url, at);
    if (planned.created) this.put(planned.subscription);
    return planned;
  }

  /** Adds a subscription `plan` made. */
  put(subscription: WebhookSubscription): void {
    this.subscriptions.push({ ...subscription });
  }

  /** What `add` would do (a new subscription, its id drawn, or the existing one), refused as `add` refuses. */
  plan(url: string, at: number): { subscription: WebhookSubscription; created: boolean } {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DomainError('invalid', 'INVALID_VALUE', 'url: must be an absolute URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new DomainError('invalid', 'INVALID_VALUE', 'url: must be an http or https URL');
    }
    const existing = this.subscriptions.find((s) => s.url === parsed.toString());
    if (existing) return { subscription: existing, created: false };
    if (this.subscriptions.length >= this.capacity) {
      throw new DomainError(
        'conflict',
        'SUBSCRIPTION_LIMIT',
        `url: an account holds at most ${this.capacity} webhook subscriptions; remove one first`,
      );
    }
    return { subscription: { id: this.newId(), url: parsed.toString(), createdAt: at }, created: true };
  }

  /** Removes a subscription; `not_found` when there is none with that id. */
  remove(id: string): void {
    this.checkRemove(id);
    this.subscriptions.splice(
      this.subscriptions.findIndex((s) => s.id === id),
      1,
    );
  }

  /** Refuses what `remove` refuses (`not_found` for an unknown id); nothing changes. */
  checkRemove(id: string): void {
    if (!this.has(id))
      throw new DomainError('not_found', 'SUBSCRIPTION_NOT_FOUND', 'subscription_id: subscription not found');
  }

  /** Whether the account has its signing key yet (it is made on first use). */
  get hasKey(): boolean {
    return this.keys !== undefined;
  }

  /**
   * The account's signing key pair, made on the first call (off the event loop; every call meanwhile waits for the
   * same key). A key restored meanwhile (a seed's, a durable sandbox's) wins over the one being made. The key made
   * is told to `onKeyPair` first; when that throws (the event keeping it was refused), no key is used and the next
   * call makes one again.
   *
   * @example
   * const { privateKey } = await account.webhooks.keyPair();
   */
  keyPair(): Promise<SigningKeyPair> {
    if (this.keys) return Promise.resolve(this.keys);
    this.making ??= (this.makeKey() ?? randomRsaKey()).then(
      (privateKey) => {
        this.making = undefined;
        if (this.keys) return this.keys;
        // A sandbox keeps the key through a `webhookKeyMade` event, whose applying restores it here.
        this.onKeyPair(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
        return this.keys ?? this.useKey(privateKey);
      },
      (error: unknown) => {
        this.making = undefined;
        throw error;
      },
    );
    return this.making;
  }

  /**
   * Uses a private key given in PEM (a seed's `webhook_private_key`, or a durable sandbox's kept key). A key that is
   * not an RSA private key of at least 2048 bits is `invalid`, naming `webhook_private_key`.
   */
  restoreKeyPair(privateKeyPem: string): void {
    let key = parsedKeys.get(privateKeyPem);
    if (!key) {
      try {
        key = createPrivateKey(privateKeyPem);
      } catch {
        throw new DomainError('invalid', 'INVALID_VALUE', 'webhook_private_key: must be an RSA private key in PEM');
      }
      if (key.asymmetricKeyType !== 'rsa' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
        throw new DomainError(
          'invalid',
          'INVALID_VALUE',
          'webhook_private_key: must be an RSA key of at least 2048 bits',
        );
      }
      if (parsedKeys.size >= 64) parsedKeys.clear();
      parsedKeys.set(privateKeyPem, key);
    }
    this.useKey(key);
  }

  private useKey(privateKey: KeyObject): SigningKeyPair {
    this.keys = new KeyPair(privateKey);
    return this.keys;
  }
}

/** A random 2048-bit RSA key, made in Node's thread pool. */
function randomRsaKey(): Promise<KeyObject> {
  return new Promise((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: 2048 }, (error, _publicKey, privateKey) =>
      error ? reject(error) : resolve(privateKey),
    ),
  );
}
