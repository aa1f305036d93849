import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { IdSource } from '../domain/id-source.js';
import { DataDirError, lockDataDir, PRIVATE_FILE_MODE, PRIVATE_FOLDER_MODE, unusableDataDir } from './data-dir-lock.js';
import { writeSnapshot } from './log-compaction.js';
import { type FormatLine, LOG_FORMAT, type LogEntry, readLogFile } from './log-file.js';
import { freshLog, headerLine, logGeneration, readCovers } from './log-header.js';

export type { LogEntry } from './log-file.js';

/** What reading the folder found: the entries to replay (snapshot, then the log's tail), and what was said. */
export type LoadedLog = { entries: LogEntry[]; warnings: string[] };

/** How the log writes. */
export type DurableLogOptions = {
  /** `always`: fsync after each append, before the answer. `never` (default): the operating system flushes. */
  fsync?: 'always' | 'never' | undefined;
  /** Compact once the log passes this many bytes; 16 MiB by default. */
  compactAt?: number | undefined;
  /** Cut the log before a corrupt line (keeping a backup) instead of refusing to start. */
  repair?: boolean | undefined;
  /** Told about anything the folder needed (torn line, stale lock, migration, repair, a failed compaction). */
  onWarning?: ((message: string) => void) | undefined;
};

/** The default compaction threshold, in bytes. */
export const DEFAULT_COMPACT_AT = 16 * 1024 * 1024;
const LOG = 'sandbox-log.ndjson';
const SNAPSHOT = 'sandbox-snapshot.ndjson';

/**
 * The log behind `--data-dir`: one JSON line per accepted mutation, written with a single `write` before the
 * response is sent (and fsynced first with `fsync: 'always'`), so a killed process (even `kill -9`) loses no
 * acknowledged change. It also records the ids each request produced, so that replaying the requests rebuilds the
 * same state. Past `compactAt` bytes it is compacted: a snapshot (`sandbox-snapshot.ndjson`, see `writeSnapshot`)
 * takes in the log, and a fresh log follows it. One process at a time writes a folder (`sandbox.lock`).
 *
 * @example
 * const log = DurableLog.open('/tmp/sandbox', { fsync: 'always' });
 * const { entries, warnings } = log.loaded;
 */
export class DurableLog {
  /** How many compactions this log has made (tests read it; nothing else does). */
  compactions = 0;
  private fd: number;
  private bytes: number;
  private generation: number;
  private due: ReturnType<typeof setImmediate> | undefined;
  private captured: string[] | undefined;
  private feed: string[] = [];
  /** Set inside `replay` only. */
  private inReplay = false;
  /** Real time held by `beginCapture`, until `endCapture`. */
  private heldRealAt: number | undefined;
  private readonly fsync: boolean;
  private readonly compactAt: number;
  private readonly warn: (message: string) => void;
  /** The log file, `sandbox-log.ndjson` in the folder. */
  private readonly file: string;

  private constructor(
    private readonly dir: string,
    readonly loaded: LoadedLog,
    private readonly unlock: () => void,
    state: { bytes: number; generation: number },
    options: DurableLogOptions,
  ) {
    this.bytes = state.bytes;
    this.generation = state.generation;
    this.fsync = options.fsync === 'always';
    this.compactAt = options.compactAt ?? DEFAULT_COMPACT_AT;
    this.warn = (message) => {
      loaded.warnings.push(message);
      options.onWarning?.(message);
    };
    this.file = join(dir, LOG);
    this.fd = openSync(this.file, 'a', PRIVATE_FILE_MODE);
  }

  /**
   * Opens (creating if need be) the folder `dir`: takes its lock, reads the snapshot and the log after it, checks
   * their format. Throws a `DataDirError` for a folder in use, a newer format, a corrupt line (unless `repair`).
   */
  static open(dir: string, options: DurableLogOptions = {}): DurableLog {
    try {
      return DurableLog.openFolder(dir, options);
    } catch (error) {
      throw unusableDataDir(dir, error);
    }
  }

  private static openFolder(dir: string, options: DurableLogOptions): DurableLog {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: PRIVATE_FOLDER_MODE });
    const warnings: string[] = [];
    const onWarning = (message: string) => {
      warnings.push(message);
      options.onWarning?.(message);
    };
    const unlock = lockDataDir(dir, onWarning);
    try {
      for (const name of [LOG, SNAPSHOT]) {
        rmSync(join(dir, `${name}.tmp`), { force: true });
        // Files an earlier version made readable by all become their owner's only.
        if (existsSync(join(dir, name))) chmodSync(join(dir, name), PRIVATE_FILE_MODE);
      }
      const read = { onWarning, repair: options.repair ?? false };
      const snapshotFile = join(dir, SNAPSHOT);
      const logFile = join(dir, LOG);
      const snapshot = existsSync(snapshotFile) ? readLogFile(snapshotFile, { onWarning }) : undefined;
      const covers = snapshot?.header && 'snapshot' in snapshot.header ? snapshot.header.snapshot : undefined;
      if (snapshot && !covers) throw new DataDirError(`${snapshotFile} has no snapshot header`);
      if (!existsSync(logFile)) freshLog(logFile, covers ? covers.generation + 1 : 0);
      const generation = logGeneration(logFile);
      // A log that is the one the snapshot took in continues after the bytes it took; the next one, from its start.
      if (covers && generation !== covers.generation && generation !== covers.generation + 1) {
        throw new DataDirError(
          `${logFile} (generation ${generation}) does not follow ${snapshotFile} (which holds generation ` +
            `${covers.generation}): the folder was changed by hand; restore both files or start on an empty folder`,
        );
      }
      const skipBytes = covers && generation === covers.generation ? covers.bytes : 0;
      const log = readLogFile(logFile, { ...read, skipBytes });
      const entries = [...(snapshot?.entries ?? []), ...log.entries];
      const durable = new DurableLog(dir, { entries, warnings }, unlock, { bytes: log.bytes, generation }, options);
      if (log.version < LOG_FORMAT) durable.migrate(log.version);
      return durable;
    } catch (error) {
      unlock();
      throw error;
    }
  }

  /** Whether the log is being replayed (inside `replay`): nothing is appended, ids come from the log. */
  get replaying(): boolean {
    return this.inReplay;
  }

  /**
   * Replays the log through `fn`: while it runs, nothing is appended and the sandbox's ids are the ones `fn` feeds
   * (a logged request's, before that request is replayed). The log records again once `fn` settles.
   *
   * @example
   * await log.replay(async (feedIds) => {
   *   for (const entry of log.loaded.entries) if (entry.type === 'request') { feedIds(entry.ids); await resend(entry); }
   * });
   */
  async replay<T>(fn: (feedIds: (ids: string[]) => void) => Promise<T>): Promise<T> {
    if (this.inReplay) throw new Error('the log is already being replayed');
    this.inReplay = true;
    try {
      return await fn((ids) => {
        this.feed = [...ids];
      });
    } finally {
      this.inReplay = false;
      this.feed = [];
    }
  }

  /**
   * The id source for the sandbox: during replay it hands back the ids the log recorded; otherwise it makes
   * random ones and notes them for the request being handled.
   */
  readonly ids: IdSource = () => {
    if (this.inReplay) {
      const next = this.feed.shift();
      if (next !== undefined) return next;
    }
    const id = crypto.randomUUID();
    this.captured?.push(id);
    return id;
  };

  /**
   * Real time as the sandbox's clock should read it: held still from `beginCapture` to `endCapture`, so every clock
   * reading of one request is the one its entry records, as its replay will read it; the present otherwise.
   */
  realNow(): number {
    return this.heldRealAt ?? Date.now();
  }

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

  /** Appends one entry with a single write (then fsync, with `fsync: 'always'`); compacts soon once past the threshold. */
  append(entry: LogEntry): void {
    if (this.inReplay) return;
    const line = Buffer.from(`${JSON.stringify(entry)}\n`);
    writeSync(this.fd, line);
    if (this.fsync) fsyncSync(this.fd);
    this.bytes += line.length;
    // After the answer, not before it: the request that crossed the line is not kept waiting.
    if (this.bytes > this.compactAt && !this.due) this.due = setImmediate(() => this.compactIfDue());
  }

  /** Compacts if the log is past the threshold (after a replay, and on a graceful stop). */
  compactIfDue(): void {
    if (this.due) clearImmediate(this.due);
    this.due = undefined;
    if (this.bytes > this.compactAt) this.compact();
  }

  /**
   * Compacts now: the snapshot takes in the whole log (temp file, fsync, rename, fsync of the folder), then a fresh
   * log replaces the old one the same way. Synchronous, so no request is handled half-way; a kill at any point
   * leaves a folder that replays every acknowledged entry exactly once. A failure is a warning: the log goes on.
   */
  compact(): void {
    const snapshotFile = join(this.dir, SNAPSHOT);
    const header: FormatLine = {
      type: 'format',
      version: LOG_FORMAT,
      snapshot: { generation: this.generation, bytes: this.bytes },
    };
    try {
      const previous = existsSync(snapshotFile) ? readCovers(snapshotFile) : undefined;
      writeSnapshot(
        [
          ...(previous ? [{ file: snapshotFile, skipBytes: 0 }] : []),
          { file: this.file, skipBytes: previous?.generation === this.generation ? previous.bytes : 0 },
        ],
        snapshotFile,
        header,
      );
    } catch (error) {
      this.warn(`compaction failed, the log goes on growing: ${(error as Error).message}`);
      return;
    }
    // The snapshot holds the log up to `bytes`: from here on, a failure only leaves the old log in use.
    try {
      freshLog(this.file, this.generation + 1);
      closeSync(this.fd);
      this.fd = openSync(this.file, 'a', PRIVATE_FILE_MODE);
      this.generation++;
      this.bytes = headerLine(this.generation).length;
      this.compactions++;
    } catch (error) {
      this.warn(`compaction could not start a fresh log, the old one goes on: ${(error as Error).message}`);
    }
  }

  /** Closes the file and releases the folder; compacts first when the log is past the threshold. */
  close(): void {
    this.compactIfDue();
    closeSync(this.fd);
    this.unlock();
  }

  /** Closes the log and releases the folder's lock without compacting: for a start that failed after opening it. */
  abandon(): void {
    closeSync(this.fd);
    this.unlock();
  }

  private migrate(version: number): void {
    const kept = `sandbox-log.format-${version}.ndjson`;
    copyFileSync(this.file, join(this.dir, kept));
    this.compact();
    this.warn(
      `${this.file} was in format ${version}; migrated once to format ${LOG_FORMAT} (a snapshot and a fresh log). ` +
        `The original is kept as ${kept}.`,
    );
  }
}
