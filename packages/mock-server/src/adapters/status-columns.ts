import { endianness } from 'node:os';
import type { Actor, StatusChangeRun, StatusRef } from '../domain/history/history-entry.js';
import type { EventLine } from './log-format.js';
import {
  ACTIVE,
  ACTOR,
  ACTOR_TYPE,
  AGENT,
  APP,
  AT,
  bytes,
  holdsAt,
  IDS,
  type LineParts,
  NAME,
  numberAt,
  STATUS,
  same,
} from './status-line-scan.js';

// The columnar form of status changes in the data folder: the runs a restart gathers a log's `statusChanged` lines
// into (each line read by `status-line-scan.ts`), and the snapshot's `statusColumns` line that holds a run as base64.

/** A growable column. */
class Growing<T extends Float64Array | Int32Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
}

/**
 * Distinct values and their positions, found by comparing a line's bytes in place: no string is made from a line
 * unless it is a new value. (Cutting three strings out of each line and hashing them was most of the cost of reading
 * a log: bench/NOTES.md.) Past 16 values, a map finds them.
 */
class Interned<T> {
  readonly values: T[] = [];
  private readonly firsts: Uint8Array[] = [];
  private readonly seconds: Uint8Array[] = [];
  private readonly index = new Map<string, number>();
  of(data: Buffer, parts: LineParts, first: number, second: number, make: (a: string, b: string) => T): number {
    const { firsts, seconds } = this;
    const a0 = parts[first] as number;
    const a1 = parts[first + 1] as number;
    // A value of one part (an agent's id) has an empty second one.
    const b0 = second < 0 ? 0 : (parts[second] as number);
    const b1 = second < 0 ? 0 : (parts[second + 1] as number);
    if (firsts.length <= 16) {
      for (let i = firsts.length - 1; i >= 0; i--) {
        if (same(data, a0, a1, firsts[i] as Uint8Array) && same(data, b0, b1, seconds[i] as Uint8Array)) return i;
      }
    }
    const a = data.toString('utf8', a0, a1);
    const b = data.toString('utf8', b0, b1);
    const key = `${a}\u0000${b}`;
    const known = this.index.get(key);
    if (known !== undefined) return known;
    const at = this.values.length;
    firsts.push(data.slice(a0, a1));
    seconds.push(data.slice(b0, b1));
    firsts[at] = new Uint8Array(firsts[at] as Uint8Array);
    seconds[at] = new Uint8Array(seconds[at] as Uint8Array);
    this.values.push(make(a, b));
    this.index.set(key, at);
    return at;
  }
}

/**
 * One account's consecutive status changes, gathered into columns while a file is read.
 *
 * @example
 * if (scanStatusChanged(line.data, line.start, line.end, parts, line.read) && run.holds(line.data, parts)) {
 *   run.add(line.data, parts);
 * }
 */
export class StatusRunBuilder {
  /** With seeded ids, how many were drawn after the last change taken in. */
  ids: number | undefined;
  private readonly at = new Growing(new Float64Array(1024), (n) => new Float64Array(n));
  private readonly agent = new Growing(new Int32Array(1024), (n) => new Int32Array(n));
  private readonly status = new Growing(new Int32Array(1024), (n) => new Int32Array(n));
  private readonly actor = new Growing(new Int32Array(1024), (n) => new Int32Array(n));
  private readonly agents = new Interned<string>();
  private readonly statuses = new Interned<StatusRef>();
  private readonly actors = new Interned<Actor>();

  private readonly appBytes: Uint8Array;

  constructor(readonly app: string) {
    this.appBytes = bytes(app);
  }

  /** How many changes it holds. */
  get length(): number {
    return this.at.length;
  }

  /** Whether a line `scanStatusChanged` read is a change of this builder's account. */
  holds(data: Uint8Array, parts: LineParts): boolean {
    return same(data, parts[APP] as number, parts[APP + 1] as number, this.appBytes);
  }

  /** Takes in one change: the line's parts as `scanStatusChanged` found them (a change of this account). */
  add(data: Buffer, parts: LineParts): void {
    this.at.push(numberAt(data, parts[AT] as number, parts[AT + 1] as number));
    this.agent.push(this.agents.of(data, parts, AGENT, -1, (id) => id));
    const active = data[parts[ACTIVE] as number] === 116; // t
    this.status.push(this.statuses.of(data, parts, STATUS, NAME, (id, name) => ({ id, name, active })));
    this.actor.push(
      this.actors.of(data, parts, ACTOR_TYPE, ACTOR, (type, id) => ({ type: type as Actor['type'], id })),
    );
    const ids = parts[IDS] as number;
    this.ids = ids < 0 ? undefined : numberAt(data, ids, parts[IDS + 1] as number);
  }

  /** The run as one line's worth of events: a `statusChanges` event. */
  line(): EventLine {
    const n = this.at.length;
    const changes: StatusChangeRun = {
      length: n,
      at: this.at.data.subarray(0, n),
      agent: this.agent.data.subarray(0, n),
      status: this.status.data.subarray(0, n),
      actor: this.actor.data.subarray(0, n),
      agentIds: this.agents.values,
      statuses: this.statuses.values,
      actors: this.actors.values,
    };
    return { type: 'events', events: [{ type: 'statusChanges', app: this.app, changes }], ids: this.ids };
  }
}

/**
 * The snapshot's line for a run of status changes: its lists as JSON, then its columns as little-endian base64, last,
 * so that a restart parses the lists alone and decodes the columns straight from the line's bytes.
 */
type StatusColumnsLine = {
  type: 'statusColumns';
  app: string;
  length: number;
  agentIds: string[];
  statuses: StatusRef[];
  actors: Actor[];
  ids?: number | undefined;
  at: string;
  agent: string;
  status: string;
  actor: string;
};

const COLUMNS_PREFIX = bytes('{"type":"statusColumns",');
/** The keys of the columns, in the order they end the line. */
const COLUMN_KEYS = [bytes(',"at":"'), bytes('","agent":"'), bytes('","status":"'), bytes('","actor":"'), bytes('"}')];

const LITTLE = endianness() === 'LE';

function encode(column: Float64Array | Int32Array): string {
  const bytes = Buffer.from(column.buffer, column.byteOffset, column.byteLength);
  if (LITTLE) return bytes.toString('base64');
  const copy = Buffer.from(bytes);
  return (column instanceof Float64Array ? copy.swap64() : copy.swap32()).toString('base64');
}

function decode<T extends Float64Array | Int32Array>(
  text: string,
  make: (b: ArrayBuffer, offset: number, n: number) => T,
  size: number,
): T {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % size !== 0) throw new Error(`a column of ${bytes.length} bytes is not of ${size}-byte numbers`);
  if (!LITTLE) {
    if (size === 8) bytes.swap64();
    else bytes.swap32();
  }
  if (bytes.byteOffset % size === 0) return make(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length / size);
  // A small Buffer sits in a shared pool, at any offset: copied into one of its own.
  const aligned = new ArrayBuffer(bytes.length);
  new Uint8Array(aligned).set(bytes);
  return make(aligned, 0, bytes.length / size);
}

/** The snapshot line of a `statusChanges` event (and the ids drawn after it). */
export function statusColumnsLine(app: string, run: StatusChangeRun, ids: number | undefined): string {
  const line: StatusColumnsLine = {
    type: 'statusColumns',
    app,
    length: run.length,
    agentIds: [...run.agentIds],
    statuses: [...run.statuses],
    actors: [...run.actors],
    ids,
    at: encode(run.at.subarray(0, run.length)),
    agent: encode(run.agent.subarray(0, run.length)),
    status: encode(run.status.subarray(0, run.length)),
    actor: encode(run.actor.subarray(0, run.length)),
  };
  return JSON.stringify(line);
}

/** Whether the bytes `start` to `end` of `data` are a snapshot's `statusColumns` line. */
export function isStatusColumns(data: Uint8Array, start: number, end: number): boolean {
  return holdsAt(data, start, end, COLUMNS_PREFIX);
}

/**
 * A snapshot's `statusColumns` line (bytes `start` to `end` of `data`) read back as the `statusChanges` event it
 * holds: its lists parsed as JSON, its columns decoded from the bytes. Throws if it is damaged.
 */
export function readStatusColumns(data: Buffer, start: number, end: number): EventLine {
  const bounds: number[] = [];
  let p = data.indexOf(COLUMN_KEYS[0] as Uint8Array, start);
  if (p < 0 || p >= end) throw new Error('a statusColumns line without its columns');
  const lists = JSON.parse(`${data.toString('utf8', start, p)}}`) as Omit<StatusColumnsLine, 'at'>;
  for (const [k, key] of COLUMN_KEYS.entries()) {
    if (!holdsAt(data, p, end, key)) throw new Error(`a statusColumns line whose column ${k} is cut short`);
    p += key.length;
    bounds.push(p);
    if (k < COLUMN_KEYS.length - 1) p = data.indexOf(34, p);
    if (p < 0 || p > end) throw new Error(`a statusColumns line whose column ${k} is cut short`);
    bounds.push(p);
  }
  if (bounds[bounds.length - 2] !== end) throw new Error('a statusColumns line with more after its columns');
  const column = (k: number) => data.toString('latin1', bounds[2 * k] as number, bounds[2 * k + 1] as number);
  const line = { ...lists, at: column(0), agent: column(1), status: column(2), actor: column(3) };
  const at = decode(line.at, (b, o, n) => new Float64Array(b, o, n), 8);
  const agent = decode(line.agent, (b, o, n) => new Int32Array(b, o, n), 4);
  const status = decode(line.status, (b, o, n) => new Int32Array(b, o, n), 4);
  const actor = decode(line.actor, (b, o, n) => new Int32Array(b, o, n), 4);
  const n = line.length;
  if (![at, agent, status, actor].every((column) => column.length === n)) {
    throw new Error(`a statusColumns line of ${n} changes has columns of another length`);
  }
  for (let k = 0; k < n; k++) {
    if (
      !((agent[k] as number) >= 0 && (agent[k] as number) < line.agentIds.length) ||
      !((status[k] as number) >= 0 && (status[k] as number) < line.statuses.length) ||
      !((actor[k] as number) >= 0 && (actor[k] as number) < line.actors.length)
    ) {
      throw new Error(`change ${k} of a statusColumns line names an agent, status or actor it does not list`);
    }
  }
  const changes: StatusChangeRun = {
    length: n,
    at,
    agent,
    status,
    actor,
    agentIds: line.agentIds,
    statuses: line.statuses,
    actors: line.actors,
  };
  return { type: 'events', events: [{ type: 'statusChanges', app: line.app, changes }], ids: line.ids };
}
