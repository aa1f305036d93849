/**
 * The exact body of a delivery as it came off the wire. The signature covers these bytes, so they are kept as they
 * are until verified: re-serialising a parsed body changes them (key order, escapes, non-ASCII encoding).
 */

/**
 * A delivery's body: the bytes as received (`Uint8Array`, Node's `Buffer`, `ArrayBuffer`), or a string that was
 * decoded from them as UTF-8 (it is encoded back to UTF-8 where bytes are needed).
 *
 * @example
 * const body: RawBody = await request.arrayBuffer();
 */
export type RawBody = string | Uint8Array | ArrayBuffer;

const utf8Encoder = new TextEncoder();
// fatal: invalid UTF-8 must be refused, not silently turned into U+FFFD, or two different bodies would parse alike.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The body's bytes, in a form Web Crypto accepts.
 *
 * @example
 * await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, signature, rawBodyBytes(body));
 */
export function rawBodyBytes(body: RawBody): Uint8Array<ArrayBuffer> {
  if (typeof body === 'string') return utf8Encoder.encode(body);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  // A view over a SharedArrayBuffer is copied: Web Crypto only takes ArrayBuffer-backed data.
  return body.buffer instanceof ArrayBuffer ? (body as Uint8Array<ArrayBuffer>) : new Uint8Array(body);
}

/**
 * The body as text, decoded as UTF-8; throws a `TypeError` on invalid UTF-8. A leading byte-order mark is dropped.
 *
 * @example
 * JSON.parse(rawBodyText(new TextEncoder().encode('{"a":1}')));
 */
export function rawBodyText(body: RawBody): string {
  return typeof body === 'string' ? body : utf8Decoder.decode(body);
}
