/**
 * The account's RSA public key, as handed out in PEM form (by Freshchat's webhook settings, or by the sandbox's
 * `GET /_mock/webhooks/public-key`), imported once into a Web Crypto key.
 *
 * Only Web Crypto, `atob` and typed arrays are used, so this runs unchanged on Node, Deno, Bun and edge runtimes.
 */

const RSA_SIGNATURE = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** Web Crypto's `CryptoKey`, named through `crypto.subtle` so the declarations need no DOM lib (Node's types lack it). */
type PublicKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;

// Receivers verify many events with one key (or a few, one per account): importing is the costly step, so the
// import is cached per PEM text. Promises are cached so concurrent first deliveries share one import. The bound only
// guards against a caller that builds a new PEM string per request.
const MAX_CACHED_KEYS = 100;
const importedKeys = new Map<string, Promise<PublicKey>>();

/**
 * Imports a PEM public key for RSASSA-PKCS1-v1_5 / SHA-256 verification, reusing an earlier import of the same
 * text. Rejects with an `Error` saying what is wrong when the text is not an RSA public key in PEM form.
 *
 * Accepted: `-----BEGIN PUBLIC KEY-----` (SPKI), and `-----BEGIN RSA PUBLIC KEY-----` whether its body is PKCS#1 or
 * SPKI (keys copied from Freshchat's settings have been seen with SPKI under that label). Line breaks may be missing:
 * keys pasted into environment variables often lose them.
 *
 * @example
 * const key = await importPublicKey(await (await fetch(`${base}/_mock/webhooks/public-key`, { headers })).text());
 */
export function importPublicKey(pem: string): Promise<PublicKey> {
  const cached = importedKeys.get(pem);
  if (cached) return cached;
  const imported = importUncached(pem);
  if (importedKeys.size >= MAX_CACHED_KEYS) {
    const oldest = importedKeys.keys().next();
    if (!oldest.done) importedKeys.delete(oldest.value);
  }
  importedKeys.set(pem, imported);
  // A failed import is not kept: the next call reports the same error instead of a stale promise.
  imported.catch(() => importedKeys.delete(pem));
  return imported;
}

async function importUncached(pem: string): Promise<PublicKey> {
  const der = spkiFromPem(pem);
  try {
    return await globalThis.crypto.subtle.importKey('spki', der, RSA_SIGNATURE, false, ['verify']);
  } catch (cause) {
    throw new Error('Invalid webhook public key: the PEM does not hold an RSA public key', { cause });
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;
const PUBLIC_KEY_LABELS = new Set(['PUBLIC KEY', 'RSA PUBLIC KEY']);

/** The SPKI DER bytes of a PEM public key. */
function spkiFromPem(pem: string): Uint8Array<ArrayBuffer> {
  if (typeof pem !== 'string') throw new TypeError('Invalid webhook public key: expected the PEM text as a string');
  const block = PEM_BLOCK.exec(pem);
  if (!block) {
    throw new Error(
      'Invalid webhook public key: expected PEM text between -----BEGIN PUBLIC KEY----- and -----END PUBLIC KEY-----',
    );
  }
  const label = block[1] ?? '';
  if (!PUBLIC_KEY_LABELS.has(label)) {
    throw new Error(`Invalid webhook public key: expected a PUBLIC KEY, got a PEM ${label}`);
  }
  let der: Uint8Array<ArrayBuffer>;
  try {
    der = Uint8Array.from(atob((block[2] ?? '').replace(/\s+/g, '')), (char) => char.charCodeAt(0));
  } catch (cause) {
    throw new Error('Invalid webhook public key: the PEM body is not base64', { cause });
  }
  if (der.length === 0) throw new Error('Invalid webhook public key: the PEM body is empty');
  // SPKI is SEQUENCE { SEQUENCE algorithm, BIT STRING key }; PKCS#1 is SEQUENCE { INTEGER n, INTEGER e }.
  // The tag after the outer SEQUENCE's header tells them apart, whatever the label says.
  const innerTag = der[0] === 0x30 ? der[derHeaderLength(der)] : undefined;
  if (innerTag === 0x30) return der;
  if (innerTag === 0x02) return spkiFromPkcs1(der);
  throw new Error('Invalid webhook public key: the PEM body is neither SPKI nor PKCS#1 DER');
}

/** Length of the tag and length octets of the DER element at the start of `der`. */
function derHeaderLength(der: Uint8Array): number {
  const first = der[1] ?? 0;
  return first < 0x80 ? 2 : 2 + (first & 0x7f);
}

// AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }.
const RSA_ALGORITHM = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];

/** Wraps a PKCS#1 RSAPublicKey in SPKI, the only public-key format Web Crypto imports. */
function spkiFromPkcs1(pkcs1: Uint8Array): Uint8Array<ArrayBuffer> {
  const bitString = [0x03, ...derLength(pkcs1.length + 1), 0x00, ...pkcs1];
  const body = [...RSA_ALGORITHM, ...bitString];
  return new Uint8Array([0x30, ...derLength(body.length), ...body]);
}

/** DER length octets: short form below 128, long form (0x80 | byte count, then big-endian bytes) above. */
function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return [0x80 | bytes.length, ...bytes];
}
