/**
 * Checks `X-Freshchat-Signature`: base64 of an RSA PKCS#1 v1.5 signature over the SHA-256 of the raw body bytes.
 * It is not an HMAC: there is no shared secret, only the account's public key.
 */
import { importPublicKey } from './public-key.js';
import { type RawBody, rawBodyBytes } from './raw-body.js';

/**
 * Whether `signatureHeader` is a valid signature of `rawBody` by the private key matching `publicKeyPem`.
 *
 * Pass the body exactly as received: the bytes, or a string decoded from them as UTF-8. A body that was parsed and
 * serialised again does not verify (key order, escapes and non-ASCII encoding change the bytes).
 *
 * Resolves `false`, never rejects, for a missing, empty, non-base64 or wrong signature: that is the sender's fault.
 * Rejects with an `Error` when `publicKeyPem` is not an RSA public key in PEM form: that is the receiver's.
 * Built only on Web Crypto, so it runs on Node 20+, Deno, Bun and edge runtimes; imported keys are cached per PEM.
 *
 * @example
 * const body = new Uint8Array(await request.arrayBuffer());
 * if (!(await verifySignature(body, request.headers.get(SIGNATURE_HEADER), publicKeyPem))) {
 *   return new Response('bad signature', { status: 401 });
 * }
 */
export async function verifySignature(
  rawBody: RawBody,
  signatureHeader: string | null | undefined,
  publicKeyPem: string,
): Promise<boolean> {
  // The key comes first so that a misconfigured key is reported even when a delivery carries no signature.
  const key = await importPublicKey(publicKeyPem);
  const signature = signatureBytes(signatureHeader);
  if (!signature) return false;
  try {
    return await globalThis.crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, signature, rawBodyBytes(rawBody));
  } catch {
    // Some runtimes throw rather than answer false for a signature of the wrong length.
    return false;
  }
}

/** The decoded signature, or undefined when the header is absent, empty or not base64. */
function signatureBytes(header: string | null | undefined): Uint8Array<ArrayBuffer> | undefined {
  if (typeof header !== 'string') return undefined;
  const base64 = header.trim();
  if (base64 === '') return undefined;
  try {
    return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}
