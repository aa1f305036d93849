import { closeSync, ftruncateSync, openSync, rmSync, writeSync } from 'node:fs';
import { PRIVATE_FILE_MODE } from './data-dir-lock.js';
import { commitFile, type FormatLine, forEachLine, type LogEntry } from './log-file.js';

/**
 * The operations whose accepted requests compaction folds into `changes` lines: each one's whole effect is one
 * status change, replayed by calling the operation's handler without HTTP.
 */
export const STATUS_CHANGE_OPERATIONS = ['updateAgentStatus', 'setAgentStatusAsAgent'] as const;

/** Most changes in one `changes` line, so no line grows without bound. */
const CHANGES_PER_LINE = 10_000;

/** A part of a file to fold into the snapshot: the lines ending after `skipBytes`. */
export type SnapshotSource = { file: string; skipBytes: number };

/**
 * Writes the snapshot: the entries of `sources`, in order, compacted, into `target` (through a temp file, fsync,
 * rename, fsync of the folder). Compaction is exact: it drops only what a later `POST /_mock/reset` undoes (all
 * before the last reset, the clock's advance kept in the start line) and writes status changes that used no fault
 * and made no id as rows of `changes` lines; every other entry is copied as it is.
 *
 * @example
 * writeSnapshot([{ file: 'dir/sandbox-log.ndjson', skipBytes: 0 }], 'dir/sandbox-snapshot.ndjson', header);
 */
export function writeSnapshot(sources: SnapshotSource[], target: string, header: FormatLine): void {
  const temp = `${target}.tmp`;
  const writer = new SnapshotWriter(openSync(temp, 'w', PRIVATE_FILE_MODE), header);
  try {
    for (const { file, skipBytes } of sources) {
      forEachLine(file, (text, n, end) => {
        if (end <= skipBytes || text.trim() === '') return;
        const entry = JSON.parse(text) as LogEntry | FormatLine;
        if (entry.type !== 'format') writer.add(entry);
        else if (n !== 1) throw new Error(`${file}: line ${n}: a format line after the first`);
      });
    }
    writer.finish();
  } catch (error) {
    closeSync(writer.fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(writer.fd);
  commitFile(temp, target);
}

type Request = Extract<LogEntry, { type: 'request' }>;
type Changes = Extract<LogEntry, { type: 'changes' }>;

class SnapshotWriter {
  private position = 0;
  private readonly headerEnd: number;
  private start: Extract<LogEntry, { type: 'start' }> | undefined;
  private batch: Changes | undefined;
  private lastRealAt = 0;
  private readonly index = { tokens: new Map<string, number>(), ops: new Map(), agents: new Map(), bodies: new Map() };

  constructor(
    readonly fd: number,
    header: FormatLine,
  ) {
    this.write(header);
    this.headerEnd = this.position;
  }

  add(entry: LogEntry): void {
    if (entry.type === 'start') this.start = entry;
    if (entry.type === 'request' && isReset(entry) && this.start) {
      // Everything before a reset is undone by it, but the clock's moves: the start takes over where the clock
      // stood at the reset, and whether it was frozen there.
      this.batch = undefined;
      this.position = this.headerEnd;
      ftruncateSync(this.fd, this.position);
      const { frozen: _, ...start } = this.start;
      this.write({ ...start, at: entry.at, realAt: entry.realAt, ...(entry.frozen ? { frozen: true } : {}) });
      this.write(entry);
      return;
    }
    const agentId = entry.type === 'request' ? foldableAgent(entry) : undefined;
    if (entry.type === 'request' && agentId !== undefined) {
      this.fold(entry, agentId);
      return;
    }
    this.flush();
    this.write(entry);
  }

  finish(): void {
    this.flush();
  }

  private fold(entry: Request, agentId: string): void {
    if (!this.batch) {
      this.batch = { type: 'changes', realAt: entry.realAt, tokens: [], ops: [], agents: [], bodies: [], rows: [] };
      this.lastRealAt = entry.realAt;
      for (const map of Object.values(this.index)) map.clear();
    }
    const batch = this.batch;
    batch.rows.push(
      entry.realAt - this.lastRealAt,
      indexOf(this.index.tokens, batch.tokens, entry.token as string),
      indexOf(this.index.ops, batch.ops, entry.op as string),
      indexOf(this.index.agents, batch.agents, agentId),
      indexOf(this.index.bodies, batch.bodies, entry.body as string),
    );
    this.lastRealAt = entry.realAt;
    if (batch.rows.length >= CHANGES_PER_LINE * 5) this.flush();
  }

  private flush(): void {
    if (this.batch) this.write(this.batch);
    this.batch = undefined;
  }

  private write(line: unknown): void {
    const bytes = Buffer.from(`${JSON.stringify(line)}\n`);
    writeSync(this.fd, bytes, 0, bytes.length, this.position);
    this.position += bytes.length;
  }
}

function indexOf(map: Map<string, number>, list: string[], value: string): number {
  let i = map.get(value);
  if (i === undefined) {
    i = list.push(value) - 1;
    map.set(value, i);
  }
  return i;
}

function isReset(entry: Request): boolean {
  if (entry.op !== undefined) return entry.op === 'resetSandbox';
  // Format 1 has no `op`.
  return entry.method === 'POST' && /^\/_mock\/reset\/?(?:\?|$)/.test(entry.path);
}

const AGENT_IN_PATH = /\/agents\/([^/?]+)/;

/**
 * The agent of a logged status change that can be replayed without HTTP (and folded into a `changes` line): its
 * operation known, no fault used, no id made, a body; undefined for any other entry.
 */
export function foldableAgent(entry: Request): string | undefined {
  if (!(STATUS_CHANGE_OPERATIONS as readonly (string | undefined)[]).includes(entry.op)) return undefined;
  if (entry.faulted || entry.ids.length > 0 || entry.token === undefined || entry.body === undefined) return undefined;
  const match = AGENT_IN_PATH.exec(entry.path);
  return match ? decodeURIComponent(match[1] as string) : undefined;
}
