import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { storageUnavailable } from '../domain/domain-error.js';
import type { EventBatch, EventStore } from '../domain/events/event-sink.js';
import { DataDirError, lockDataDir, PRIVATE_FILE_MODE, PRIVATE_FOLDER_MODE, unusableDataDir } from './data-dir-lock.js';
import { writeSnapshot } from './log-compaction.js';
import { type EventLine, type FormatLine, LOG_FORMAT, readLogFile } from './log-file.js';
import { freshLog, headerLine, LOG_NAME, logGeneration, readCovers, SNAPSHOT_NAME } from './log-header.js';

/** Where a line to apply was read: the file, its line number, the offset of its first byte. */
type LinePlace = { file: string; line: number; start: number; snapshot: boolean };

/** What reading the folder found: the lines to apply (snapshot, then the log's tail), and what was said. */
export type LoadedLog = { lines: EventLine[]; warnings: string[] };

/**
 * A well-formed line whose events cannot be applied (they name an account that does not exist, say): the start
 * stops, naming the line (`DurableLog.cutBefore` cuts the log there for `--repair`).
 */
export class UnreplayableLine extends DataDirError {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
    this.name = 'UnreplayableLine';
  }
}

/**
 * The file operations the log appends with: node:fs by default. A test puts a failing disk in its place (ENOSPC on
 * the n-th write, short writes), as a later one puts a real full disk.
 */
export type LogWriter = {
  /** Writes up to `length` bytes of `bytes` from `offset` at the end of the file; returns how many it wrote. */
  write(fd: number, bytes: Uint8Array, offset: number, length: number): number;
  truncate(fd: number, length: number): void;
  fsync(fd: number): void;
};

const NODE_WRITER: LogWriter = {
  write: (fd, bytes, offset, length) => writeSync(fd, bytes, offset, length),
  truncate: (fd, length) => ftruncateSync(fd, length),
  fsync: (fd) => fsyncSync(fd),
};

/** How the log writes. */
export type DurableLogOptions = {
  /** `always`: fsync after each append, before the events are applied. `never` (default): the operating system flushes. */
  fsync?: 'always' | 'never' | undefined;
  /** Compact once the log passes this many bytes; 16 MiB by default. */
  compactAt?: number | undefined;
  /** Cut the log before a corrupt line (keeping a backup) instead of refusing to start; see also `cutBefore`. */
  repair?: boolean | undefined;
  /** Told about anything the folder needed (torn line, stale lock, repair, a failed compaction). */
  onWarning?: ((message: string) => void) | undefined;
  /** The file operations appends use; node:fs by default. */
  writer?: LogWriter | undefined;
};

/** The default compaction threshold, in bytes. */
export const DEFAULT_COMPACT_AT = 16 * 1024 * 1024;

/**
 * The write-ahead log behind `--data-dir`: the sandbox's `EventStore`. Each command's events are one JSON line,
 * appended in full (a short write is carried on until every byte is written; `fsync: 'always'` flushes it) before
 * the sandbox applies them and answers. An append that fails (ENOSPC, EIO, EROFS…) is cut back off the file and
 * refused as storage unavailable: the sandbox applies nothing, and the next append tries again. Past `compactAt`
 * bytes the log is compacted into a snapshot (`sandbox-snapshot.ndjson`, see `writeSnapshot`) and a fresh log
 * follows it. One process at a time writes a folder (`sandbox.lock`).
 *
 * @example
 * const log = DurableLog.open('/tmp/sandbox', { fsync: 'always' });
 * const mock = createMockServer({ store: log });
 */
export class DurableLog implements EventStore {
  /** How many compactions this log has made (tests read it; nothing else does). */
  compactions = 0;
  private fd: number;
  private bytes: number;
  private generation: number;
  private due: ReturnType<typeof setImmediate> | undefined;
  /** Set when a failed append's bytes could not be cut off yet: the next append cuts them first. */
  private torn = false;
  private readonly fsync: boolean;
  private readonly compactAt: number;
  private readonly writer: LogWriter;
  private readonly warn: (message: string) => void;
  /** Where each of `loaded.lines` was read, for naming a line that cannot be replayed. */
  private readonly places: LinePlace[];
  /** The log file, `sandbox-log.ndjson` in the folder. */
  private readonly file: string;

  private constructor(
    private readonly dir: string,
    readonly loaded: LoadedLog,
    private readonly unlock: () => void,
    state: { bytes: number; generation: number; places: LinePlace[] },
    options: DurableLogOptions,
  ) {
    this.bytes = state.bytes;
    this.generation = state.generation;
    this.places = state.places;
    this.fsync = options.fsync === 'always';
    this.compactAt = options.compactAt ?? DEFAULT_COMPACT_AT;
    this.writer = options.writer ?? NODE_WRITER;
    this.warn = (message) => {
      loaded.warnings.push(message);
      options.onWarning?.(message);
    };
    this.file = join(dir, LOG_NAME);
    this.fd = openSync(this.file, 'a', PRIVATE_FILE_MODE);
  }

  /**
   * Opens (creating if need be) the folder `dir`: takes its lock, reads the snapshot and the log after it, checks
   * their format. Throws a `DataDirError` for a folder in use, another format, a corrupt line (unless `repair`).
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
      for (const name of [LOG_NAME, SNAPSHOT_NAME]) {
        rmSync(join(dir, `${name}.tmp`), { force: true });
        // Files an earlier version made readable by all become their owner's only.
        if (existsSync(join(dir, name))) chmodSync(join(dir, name), PRIVATE_FILE_MODE);
      }
      const snapshotFile = join(dir, SNAPSHOT_NAME);
      const logFile = join(dir, LOG_NAME);
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
      const log = readLogFile(logFile, { onWarning, repair: options.repair ?? false, skipBytes });
      for (const [name, read] of [
        [snapshotFile, snapshot],
        [logFile, log],
      ] as const) {
        if (read && read.version !== LOG_FORMAT) {
          throw new DataDirError(`${name} is in format ${read.version}; it must be migrated to ${LOG_FORMAT} first`);
        }
      }
      const lines = [...(snapshot?.entries ?? []), ...log.entries] as EventLine[];
      const places = [
        ...(snapshot?.places ?? []).map((p) => ({ ...p, file: snapshotFile, snapshot: true })),
        ...log.places.map((p) => ({ ...p, file: logFile, snapshot: false })),
      ];
      return new DurableLog(dir, { lines, warnings }, unlock, { bytes: log.bytes, generation, places }, options);
    } catch (error) {
      unlock();
      throw error;
    }
  }

  /**
   * Hands the folder's lines to `apply`, in order: the events of every command acknowledged before. A line that
   * `apply` refuses stops it with an `UnreplayableLine` naming the file and line (see `cutBefore` for `--repair`).
   */
  replay(apply: (batch: EventBatch) => void): void {
    this.loaded.lines.forEach((line, index) => {
      try {
        apply({ events: line.events, idsDrawn: line.ids });
      } catch (error) {
        const place = this.places[index] as LinePlace;
        const why = `${place.file}: line ${place.line} cannot be replayed (${(error as Error).message}); the sandbox did not start.`;
        const name = basename(place.file);
        throw new UnreplayableLine(
          place.snapshot
            ? `${why} Restore ${name} from a backup, or start on an empty folder.`
            : `${why} Start it with --repair to keep a backup of ${name} and cut it before line ${place.line}.`,
          index,
        );
      }
    });
  }

  /**
   * For `--repair`: cuts the log before the line `error` names (keeping a copy of the whole file beside it), so a
   * replay stops before it. False when that line is in the snapshot, which is not cut.
   */
  cutBefore(error: UnreplayableLine): boolean {
    const place = this.places[error.index] as LinePlace;
    if (place.snapshot) return false;
    const backup = `${this.file}.${new Date().toISOString().replace(/[:.]/g, '-')}.bak`;
    copyFileSync(this.file, backup);
    chmodSync(backup, PRIVATE_FILE_MODE);
    const dropped = this.loaded.lines.length - error.index;
    this.writer.truncate(this.fd, place.start);
    this.writer.fsync(this.fd);
    this.bytes = place.start;
    this.loaded.lines.length = error.index;
    this.places.length = error.index;
    this.warn(
      `${this.file}: line ${place.line} could not be replayed; repaired: cut before it (${dropped} command` +
        `${dropped === 1 ? '' : 's'} dropped), the whole file is kept as ${basename(backup)}`,
    );
    return true;
  }

  /**
   * Appends one command's events as one line, every byte of it (then fsync, with `fsync: 'always'`), or throws
   * storage unavailable having cut off whatever part was written. Compacts soon once past the threshold.
   */
  accept(batch: EventBatch): void {
    const line: EventLine = { type: 'events', events: [...batch.events], ids: batch.idsDrawn };
    const bytes = Buffer.from(`${JSON.stringify(line)}\n`);
    try {
      if (this.torn) this.cutBack();
      for (let written = 0; written < bytes.length; ) {
        const n = this.writer.write(this.fd, bytes, written, bytes.length - written);
        // A disk that takes nothing, without an error, would loop for ever.
        if (!(n > 0)) throw Object.assign(new Error('the file took no bytes'), { code: 'EIO' });
        written += n;
      }
      if (this.fsync) this.writer.fsync(this.fd);
    } catch (error) {
      this.torn = true;
      try {
        this.cutBack();
      } catch {
        // Still torn: the next append cuts the file back before it writes.
      }
      throw storageUnavailable((error as NodeJS.ErrnoException).code ?? (error as Error).message);
    }
    this.bytes += bytes.length;
    // After the answer, not before it: the request that crossed the line is not kept waiting.
    if (this.bytes > this.compactAt && !this.due) this.due = setImmediate(() => this.compactIfDue());
  }

  /** Compacts if the log is past the threshold (after a restart, and on a graceful stop). */
  compactIfDue(): void {
    if (this.due) clearImmediate(this.due);
    this.due = undefined;
    if (this.bytes > this.compactAt) this.compact();
  }

  /**
   * Compacts now: the snapshot takes in the whole log (temp file, fsync, rename, fsync of the folder), then a fresh
   * log replaces the old one the same way. Synchronous, so no command is carried out half-way; a kill at any point
   * leaves a folder that applies every acknowledged event exactly once. A failure is a warning: the log goes on.
   */
  compact(): void {
    const snapshotFile = join(this.dir, SNAPSHOT_NAME);
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

  /** Cuts the file back to its last whole line. */
  private cutBack(): void {
    this.writer.truncate(this.fd, this.bytes);
    this.torn = false;
  }
}
