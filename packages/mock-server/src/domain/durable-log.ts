import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { IdSource } from './id-source.js';

/** One line of the durable log. */
export type LogEntry =
  /** The sandbox's first start: when, on the clock and in real time, and the link-signing secret. */
  | { type: 'start'; at: number; realAt: number; linkSecret: string }
  /** An accepted mutation: the request as it came, when it was handled, and the ids it produced. */
  | {
      type: 'request';
      at: number;
      realAt: number;
      method: string;
      path: string;
      token?: string | undefined;
      contentType?: string | undefined;
      body?: string | undefined;
      ids: string[];
    }
  /** An account's webhook signing key, kept so receivers' copies of the public key stay valid. */
  | { type: 'key'; appId: string; privateKeyPem: string };

/** What reading the log found. */
export type LoadedLog = { entries: LogEntry[]; warnings: string[] };

/**
 * The append-only log behind `--data-dir`: one JSON line per accepted mutation, written with a single `write` before
 * the response is sent, so a killed process (even `kill -9`) loses no acknowledged change. (The operating system
 * still holds the bytes; a machine crash can lose what it had not flushed.) It also records the ids each request
 * produced, so that replaying the requests rebuilds the same state.
 *
 * @example
 * const log = DurableLog.open('/tmp/sandbox');
 * const { entries, warnings } = log.loaded;
 */
export class DurableLog {
  /** Set while the log is being replayed: nothing is appended, ids come from the log. */
  replaying = false;
  private readonly fd: number;
  private captured: string[] | undefined;
  private feed: string[] = [];

  private constructor(
    readonly file: string,
    readonly loaded: LoadedLog,
  ) {
    this.fd = openSync(file, 'a');
  }

  /** Opens (creating if need be) the log in `dir`, reading what it holds. A torn last line is dropped. */
  static open(dir: string): DurableLog {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'sandbox-log.ndjson');
    const loaded = existsSync(file) ? readLog(file) : { entries: [], warnings: [] };
    return new DurableLog(file, loaded);
  }

  /**
   * The id source for the sandbox: during replay it hands back the ids the log recorded; otherwise it makes
   * random ones and notes them for the request being handled.
   */
  readonly ids: IdSource = () => {
    if (this.replaying) {
      const next = this.feed.shift();
      if (next !== undefined) return next;
    }
    const id = crypto.randomUUID();
    this.captured?.push(id);
    return id;
  };

  /**
   * Real time, held still from `beginCapture` to `endCapture`: every clock reading of one request is then the one
   * its entry records, as its replay will read it.
   */
  heldRealAt: number | undefined;

  /** Starts noting the ids of one request (handlers run synchronously, so requests do not interleave here). */
  beginCapture(): void {
    this.captured = [];
    this.heldRealAt = Date.now();
  }

  /** Stops noting ids and returns the ones made since `beginCapture`. */
  endCapture(): string[] {
    const ids = this.captured ?? [];
    this.captured = undefined;
    this.heldRealAt = undefined;
    return ids;
  }

  /** Ids to hand back, in order, while a logged request is replayed. */
  feedIds(ids: string[]): void {
    this.feed = [...ids];
  }

  /** Appends one entry with a single write. */
  append(entry: LogEntry): void {
    if (this.replaying) return;
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
  }

  /** Closes the file. */
  close(): void {
    closeSync(this.fd);
  }
}

function readLog(file: string): LoadedLog {
  const text = readFileSync(file, 'utf8');
  const entries: LogEntry[] = [];
  const warnings: string[] = [];
  let offset = 0;
  let goodEnd = 0;
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const end = offset + Buffer.byteLength(line) + 1;
    const last = i === lines.length - 1;
    if (line.trim() !== '') {
      try {
        if (last) throw new Error('no line break: the write was cut short');
        entries.push(JSON.parse(line) as LogEntry);
        goodEnd = end;
      } catch (error) {
        warnings.push(`${file}: line ${i + 1} skipped (${(error as Error).message})`);
      }
    } else if (!last) {
      goodEnd = end;
    }
    offset = end;
  });
  // Cut a torn tail so the next append starts on a line of its own.
  if (goodEnd < Buffer.byteLength(text)) {
    const fd = openSync(file, 'r+');
    ftruncateSync(fd, goodEnd);
    closeSync(fd);
  }
  return { entries, warnings };
}
