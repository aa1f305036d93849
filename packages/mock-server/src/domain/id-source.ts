import { createHmac, hash } from 'node:crypto';

/**
 * Where new ids come from. Random by default; seeded (`seededIds`) for reproducible runs. Ids are drawn when a
 * command decides, and carried by its events, so applying an event (as a restart does) draws none.
 */
export type IdSource = () => string;

/** Random v4 UUIDs. */
export const randomIds: IdSource = () => crypto.randomUUID();

/**
 * The `n`-th block of 32 bytes drawn from `seed` under `label`: SHA-256 in counter mode, so every draw is a pure
 * function of its inputs and two sandboxes with one seed draw the same bytes in the same order.
 */
export function seededBytes(seed: number, label: string, n: number): Buffer {
  return hash('sha256', `${seed}:${label}:${n}`, 'buffer');
}

/**
 * RFC 4122 version 4 UUIDs drawn from a seed: the same seed gives the same ids in the same order; `from` skips the
 * first ones (a restarted sandbox draws on where it stopped).
 *
 * @example
 * const ids = seededIds(42);
 * ids(); // the same first id for every sandbox started with --id-seed 42
 */
export function seededIds(seed: number, from = 0): IdSource {
  let n = from;
  return () => uuidOf(seededBytes(seed, 'id', n++));
}

/**
 * A v4 UUID that is a pure function of a secret and a label: the same secret and label give the same id, and
 * nobody without the secret can tell it from a random one. The sandbox names its seed accounts' built-in statuses
 * so: they stay the same across resets and restarts (a durable sandbox keeps the secret) without drawing from the
 * id source.
 *
 * @example
 * derivedId(linkSecret, 'account 0 built-in active'); // the same id on every reset
 */
export function derivedId(secret: string, label: string): string {
  return uuidOf(createHmac('sha256', secret).update(label).digest());
}

function uuidOf(bytes: Buffer): string {
  // Version 4 and the RFC 4122 variant, as crypto.randomUUID() sets them.
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
