/**
 * Reading a `statusChanged` line of the log from its bytes, as the log writes it, without `JSON.parse` and without
 * making a string of it: where each part is (`scanStatusChanged`), and the byte comparisons that go with it.
 */

/** A text's UTF-8 bytes. */
export const bytes = (text: string) => new Uint8Array(Buffer.from(text));
const PREFIX = bytes('{"type":"events","events":[{"type":"statusChanged","app":"');
const AFTER_APP = bytes('","agentId":"');
const AFTER_AGENT = bytes('","statusId":"');
const AFTER_STATUS = bytes('","statusName":"');
const AFTER_NAME = bytes('","active":');
const TRUE = bytes('true');
const FALSE = bytes('false');
const BEFORE_ACTOR = bytes(',"actor":{"type":"');
const ADMIN = bytes('admin');
const AGENT_TYPE = bytes('agent');
const AFTER_TYPE = bytes('","id":"');
const AFTER_ACTOR = bytes('"},"at":');
const CLOSE = bytes('}]');
const IDS_KEY = bytes(',"ids":');

/** Where a `statusChanged` line's parts are, as `scanStatusChanged` found them: start and end of each. */
export type LineParts = Int32Array;

/** Room for a line's parts, for `scanStatusChanged`. */
export const lineParts = (): LineParts => {
  const parts = new Int32Array(20);
  parts[READ] = -1;
  return parts;
};

/** The part: an account's app id. */
export const APP = 0;
/** The part: the agent's id. */
export const AGENT = 2;
/** The part: the status's id. */
export const STATUS = 4;
/** The part: the status's name. */
export const NAME = 6;
/** The part: where `true` or `false` starts. */
export const ACTIVE = 8;
/** The part: the actor's type. */
export const ACTOR_TYPE = 10;
/** The part: the actor's id. */
export const ACTOR = 12;
/** The part: the time. */
export const AT = 14;
/** The part: the ids drawn, or -1 at its start when the line has none. */
export const IDS = 16;
/** Which read of the file the next backslash was looked for in, and where it is (past the end if there is none). */
const READ = 18;
const SLASH = 19;

/** Whether `data` holds `what` from `p` (and before `end`). */
export function holdsAt(data: Uint8Array, p: number, end: number, what: Uint8Array): boolean {
  if (p + what.length > end) return false;
  for (let i = 0; i < what.length; i++) if (data[p + i] !== what[i]) return false;
  return true;
}

/** Whether the bytes from `start` to `end` are `what`'s. */
export function same(data: Uint8Array, start: number, end: number, what: Uint8Array): boolean {
  return end - start === what.length && holdsAt(data, start, end, what);
}

/** The number written from `start` to `end` (digits, maybe a minus sign first). */
export function numberAt(data: Uint8Array, start: number, end: number): number {
  let sign = 1;
  let i = start;
  if (data[i] === 45) {
    sign = -1;
    i++;
  }
  let value = 0;
  for (; i < end; i++) value = value * 10 + ((data[i] as number) - 48);
  return sign * value;
}

/**
 * Reads a `statusChanged` line exactly as the log writes it (`JSON.stringify` keeps the event's key order), with no
 * escape in it, from `data`'s bytes `start` to `end` (of the file's `read`-th read into `data`), into `parts`; false
 * for any other line (which is then parsed as JSON). It works on bytes: no string is made of a status change's line.
 */
export function scanStatusChanged(data: Buffer, start: number, end: number, parts: LineParts, read: number): boolean {
  if (!holdsAt(data, start, end, PREFIX)) return false;
  // A line with an escape anywhere is parsed as JSON. The next backslash of the read is found once, not per line.
  if (parts[READ] !== read || (parts[SLASH] as number) < start) {
    const slash = data.indexOf(92, start);
    parts[READ] = read;
    parts[SLASH] = slash < 0 ? 0x7fffffff : slash;
  }
  if ((parts[SLASH] as number) < end) return false;
  let p = start + PREFIX.length;
  p = field(data, p, end, parts, APP, AFTER_APP);
  p = field(data, p, end, parts, AGENT, AFTER_AGENT);
  p = field(data, p, end, parts, STATUS, AFTER_STATUS);
  p = field(data, p, end, parts, NAME, AFTER_NAME);
  if (p < 0) return false;
  const active = holdsAt(data, p, end, TRUE) ? 4 : holdsAt(data, p, end, FALSE) ? 5 : 0;
  if (active === 0 || !holdsAt(data, p + active, end, BEFORE_ACTOR)) return false;
  parts[ACTIVE] = p;
  p = field(data, p + active + BEFORE_ACTOR.length, end, parts, ACTOR_TYPE, AFTER_TYPE);
  if (p < 0) return false;
  const type = parts[ACTOR_TYPE] as number;
  const typeEnd = parts[ACTOR_TYPE + 1] as number;
  if (!same(data, type, typeEnd, ADMIN) && !same(data, type, typeEnd, AGENT_TYPE)) return false;
  p = field(data, p, end, parts, ACTOR, AFTER_ACTOR);
  p = digits(data, p, end, parts, AT);
  if (p < 0 || !holdsAt(data, p, end, CLOSE)) return false;
  p += CLOSE.length;
  parts[IDS] = -1;
  if (holdsAt(data, p, end, IDS_KEY)) {
    p = digits(data, p + IDS_KEY.length, end, parts, IDS);
    if (p < 0 || data[parts[IDS] as number] === 45) return false;
  }
  return p === end - 1 && data[p] === 125;
}

/**
 * A string from `p` (up to its closing quote: the line holds no escape) into `parts[k]`, then the bytes `after` that must
 * follow it: where the next part starts, or -1 (also when `p` is -1 already).
 */
function field(data: Buffer, p: number, end: number, parts: LineParts, k: number, after: Uint8Array): number {
  if (p < 0) return -1;
  const q = data.indexOf(34, p);
  if (q < 0 || !holdsAt(data, q, end, after)) return -1;
  parts[k] = p;
  parts[k + 1] = q;
  return q + after.length;
}

/** An integer from `p` (at most 16 digits, maybe a minus sign) into `parts[k]`: where it ends, or -1. */
function digits(data: Buffer, p: number, end: number, parts: LineParts, k: number): number {
  if (p < 0) return -1;
  let q = p;
  if (data[q] === 45) q++;
  const first = q;
  while (q < end && (data[q] as number) >= 48 && (data[q] as number) <= 57) q++;
  if (q === first || q - first > 16) return -1;
  parts[k] = p;
  parts[k + 1] = q;
  return q;
}
