/** Test fixture: a fresh RSA key pair playing the sender (Freshchat, or the sandbox) that signs deliveries. */

/** A sender's key: its public half as SPKI PEM, and a signer producing `X-Freshchat-Signature` values. */
export type SigningKey = {
  publicKeyPem: string;
  /** Base64 RSASSA-PKCS1-v1_5 / SHA-256 signature of the bytes (a string is signed as its UTF-8 bytes). */
  sign(body: string | Uint8Array<ArrayBuffer>): Promise<string>;
};

/** Generates a 2048-bit key pair, as the sandbox does per account. */
export async function createSigningKey(): Promise<SigningKey> {
  const { publicKey, privateKey } = await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  );
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', publicKey));
  const lines = toBase64(spki).match(/.{1,64}/g) ?? [];
  return {
    publicKeyPem: ['-----BEGIN PUBLIC KEY-----', ...lines, '-----END PUBLIC KEY-----', ''].join('\n'),
    async sign(body) {
      const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
      return toBase64(new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', privateKey, bytes)));
    },
  };
}

function toBase64(bytes: Uint8Array): string {
  return btoa(Array.from(bytes, (byte) => String.fromCharCode(byte)).join(''));
}
