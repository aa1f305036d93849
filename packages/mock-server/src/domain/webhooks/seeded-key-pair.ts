import { createPrivateKey, type KeyObject } from 'node:crypto';
import { seededBytes } from '../id-source.js';

// Node's key generation takes no seed, and no kept library makes an RSA key from one at a usable speed (node-forge's
// JavaScript generator takes seconds): a sandbox that must sign the same bytes the same way on every run makes its
// keys here, from the id seed, with the textbook method (random odd candidates, trial division, Miller-Rabin).
// These keys are for a sandbox's tests only.

const E = 65537n;
const SMALL_PRIMES = (() => {
  const primes: bigint[] = [];
  for (let n = 3; primes.length < 300; n += 2) if (primes.every((p) => n % Number(p) !== 0)) primes.push(BigInt(n));
  return primes;
})();
/** Fixed Miller-Rabin bases: 12 rounds leave a chance below 2^-24 per composite, far less for random candidates. */
const WITNESSES = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n];

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    e >>= 1n;
    b = (b * b) % modulus;
  }
  return result;
}

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [a, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

function isProbablePrime(n: bigint): boolean {
  for (const p of SMALL_PRIMES) if (n % p === 0n) return n === p;
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  witness: for (const a of WITNESSES) {
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    for (let r = 1; r < s; r++) {
      x = (x * x) % n;
      if (x === n - 1n) continue witness;
    }
    return false;
  }
  return true;
}

/** A prime of exactly `bits` bits (top two bits set, so the product of two has twice as many) with gcd(p-1, e) = 1. */
function seededPrime(bits: number, draw: () => Buffer): bigint {
  for (;;) {
    // Each draw is 256 bits; `bits` is a multiple of 256.
    const bytes = Buffer.concat(Array.from({ length: bits / 256 }, draw));
    const candidate = BigInt(`0x${bytes.toString('hex')}`) | (3n << BigInt(bits - 2)) | 1n;
    if ((candidate - 1n) % E !== 0n && isProbablePrime(candidate)) return candidate;
  }
}

const base64url = (n: bigint) => {
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('base64url');
};

/**
 * A 2048-bit RSA private key made from `seed` and `label` alone: the same inputs give the same key on every machine.
 * Slow (it searches for two 1024-bit primes; the time is in bench/NOTES.md), so sandboxes make a key only when an
 * account first signs a webhook.
 *
 * @example
 * const key = seededRsaKey(42, appId); // the account's signing key under --id-seed 42
 */
export function seededRsaKey(seed: number, label: string): KeyObject {
  let n = 0;
  const draw = () => seededBytes(seed, `rsa:${label}`, n++);
  let p = seededPrime(1024, draw);
  let q = seededPrime(1024, draw);
  while (p === q) q = seededPrime(1024, draw);
  if (p < q) [p, q] = [q, p];
  const d = modInverse(E, (p - 1n) * (q - 1n));
  return createPrivateKey({
    format: 'jwk',
    key: {
      kty: 'RSA',
      n: base64url(p * q),
      e: base64url(E),
      d: base64url(d),
      p: base64url(p),
      q: base64url(q),
      dp: base64url(d % (p - 1n)),
      dq: base64url(d % (q - 1n)),
      qi: base64url(modInverse(q, p)),
    },
  });
}
