import { checkPrime, createPrivateKey, type KeyObject } from 'node:crypto';
import { seededBytes } from '../id-source.js';

// Node's key generation takes no seed, and no kept library makes an RSA key from one at a usable speed (node-forge's
// JavaScript generator takes seconds): a sandbox that must sign the same bytes the same way on every run makes its
// keys here, from the id seed, with the textbook method (seeded odd candidates, trial division, then a probable-prime
// test). The test runs in Node's thread pool (`crypto.checkPrime`), off the event loop. It accepts exactly the
// primes the earlier in-loop Miller-Rabin (12 fixed bases) accepted: no prime fails either, and a composite passing
// either is a chance far below 2^-80, so a seed makes the same key as before. These keys are for a sandbox's tests
// only.

const E = 65537n;
let smallPrimes: bigint[] | undefined;
/** The first 300 odd primes, worked out on first use (≈ 2 ms): most starts never make a key pair. */
function firstOddPrimes(): bigint[] {
  if (smallPrimes) return smallPrimes;
  const primes: bigint[] = [];
  for (let n = 3; primes.length < 300; n += 2) if (primes.every((p) => n % Number(p) !== 0)) primes.push(BigInt(n));
  smallPrimes = primes;
  return primes;
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

/** Whether a small prime divides `n` (then `n` is composite, unless it is that prime). */
function hasSmallFactor(n: bigint): boolean {
  for (const p of firstOddPrimes()) if (n % p === 0n) return n !== p;
  return false;
}

/** `checkPrime` in the thread pool: Miller-Rabin with enough rounds for a 2^-80 error or less. */
function isProbablePrime(n: bigint): Promise<boolean> {
  return new Promise((resolve, reject) => checkPrime(n, (error, prime) => (error ? reject(error) : resolve(prime))));
}

/** A prime of exactly `bits` bits (top two bits set, so the product of two has twice as many) with gcd(p-1, e) = 1. */
async function seededPrime(bits: number, draw: () => Buffer): Promise<bigint> {
  for (;;) {
    // Each draw is 256 bits; `bits` is a multiple of 256.
    const bytes = Buffer.concat(Array.from({ length: bits / 256 }, draw));
    const candidate = BigInt(`0x${bytes.toString('hex')}`) | (3n << BigInt(bits - 2)) | 1n;
    if ((candidate - 1n) % E !== 0n && !hasSmallFactor(candidate) && (await isProbablePrime(candidate))) {
      return candidate;
    }
  }
}

const base64url = (n: bigint) => {
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('base64url');
};

/**
 * A 2048-bit RSA private key made from `seed` and `label` alone: the same inputs give the same key on every machine.
 * It searches for two 1024-bit primes, the costly tests in the thread pool, so the event loop goes on meanwhile
 * (bench/NOTES.md has the time); sandboxes make a key only when an account first signs or shows it.
 *
 * @example
 * const key = await seededRsaKey(42, appId); // the account's signing key under --id-seed 42
 */
export async function seededRsaKey(seed: number, label: string): Promise<KeyObject> {
  let n = 0;
  const draw = () => seededBytes(seed, `rsa:${label}`, n++);
  let p = await seededPrime(1024, draw);
  let q = await seededPrime(1024, draw);
  while (p === q) q = await seededPrime(1024, draw);
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
