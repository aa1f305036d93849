import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  fsync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import type { EventBatch, EventStore } from '../domain/events/event-sink.js';
import { DataDirError, lockDataDir, PRIVATE_FILE_MODE, PRIVATE_FOLDER_MODE, unusableDataDir } from './data-dir-lock.js';
import { errorCode, GroupCommit, writeRefusal } from './group-commit.js';
import { writeSnapshot } from './log-compaction.js';
import { type LinePlace, readFolder } from './log-folder.js';
import { type EventLine, type FormatLine, SNAPSHOT_FORMAT } from './log-format.js';
import { freshLog, headerLine, LOG_NAME, readCovers, SNAPSHOT_NAME } from './log-header.js';

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
  /** Flushes the file to the disk off the event loop, then calls `done` (with the error, if it failed). */
  fsync(fd: number, done: (error: Error | null) => void): void;
};

const NODE_WRITER: LogWriter = {
  write: (fd, bytes, offset, length) => writeSync(fd, bytes, offset, length),
  truncate: (fd, length) => ftruncateSync(fd, length),
  fsync: (fd, done) => fsync(fd, done),
};

/** How the log writes. */
export type DurableLogOptions = {
  /**
   * `always`: a group commit: the lines of one event-loop turn are written at once, then flushed by one fsync, and
   * their answers wait for it. `never` (default): the operating system flushes.
   */
  fsync?: 'always' | 'never' | undefined;
  /** Compact once the log passes this many bytes; 16 MiB by default. */
  compactAt?: number | undefined;
  /** Cut the log before a corrupt line (keeping a backup) instead of refusing to start. */
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
 * appended in full (a short write is carried on until every byte is written) before the sandbox applies them and
 * answers. An append that fails (ENOSPC, EIO, EROFS…) is cut back off the file and refused as storage unavailable:
 * the sandbox applies nothing, and the next append tries again. Past `compactAt` bytes the log is compacted into a
 * snapshot (`sandbox-snapshot.ndjson`, see `writeSnapshot`) and a fresh log follows it. One process at a time writes
 * a folder (`sandbox.lock`).
 *
 * With `fsync: 'always'` it commits in groups (`GroupCommit`): `accept` writes the line at once and returns a promise
 * that one fsync of the turn's lines resolves. A failed fsync refuses every line not yet flushed: the file is cut
 * back to the last flushed byte and their promises reject, so the sandbox undoes them (ARCHITECTURE.md).
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
  /** With `fsync: 'always'`: the bytes the last successful fsync flushed. */
  private flushed: number;
  private generation: number;
  private due: ReturnType<typeof setImmediate> | undefined;
  /** Set when a failed append's bytes could not be cut off yet: the next append cuts them first. */
  private torn = false;
  private closed = false;
  /** With `fsync: 'always'`, the lines waiting for an fsync; without, nothing ever waits in it. */
  private readonly group: GroupCommit;
  /** The lines read at open, until the first replay hands them over (a later replay reads the folder again). */
  private lines: EventLine[] | undefined;
  /** Where each line of the last read of the folder is, for naming one that cannot be replayed. */
  private places: LinePlace[];
  private readonly fsync: boolean;
  private readonly compactAt: number;
  private readonly writer: LogWriter;
  private readonly warn: (message: string) => void;
  /** The log file, `sandbox-log.ndjson` in the folder. */
  private readonly file: string;

  private constructor(
    private readonly dir: string,
    readonly loaded: { warnings: string[] },
    lines: EventLine[],
    private readonly unlock: () => void,
    state: { bytes: number; generation: number; places: LinePlace[] },
    options: DurableLogOptions,
  ) {
    this.lines = lines;
    this.places = state.places;
    this.bytes = state.bytes;
    this.flushed = state.bytes;
    this.generation = state.generation;
    this.fsync = options.fsync === 'always';
    this.compactAt = options.compactAt ?? DEFAULT_COMPACT_AT;
    this.writer = options.writer ?? NODE_WRITER;
    this.warn = (message) => {
      loaded.warnings.push(message);
      options.onWarning?.(message);
    };
    this.file = join(dir, LOG_NAME);
    this.fd = openSync(this.file, 'a', PRIVATE_FILE_MODE);
    this.group = new GroupCommit({
      fsync: (done) => this.writer.fsync(this.fd, done),
      fsyncNow: () => fsyncSync(this.fd),
      written: () => this.bytes,
      flushedTo: (bytes) => {
        this.flushed = bytes;
      },
      lost: (count, error) => {
        this.bytes = this.flushed;
        this.torn = true;
        try {
          this.cutBack();
        } catch {
          // Still torn: the next append cuts the file back before it writes.
        }
        this.warn(`an fsync of the log failed (${errorCode(error)}): ${count} changes not kept were refused`);
      },
      idle: () => this.compactSoon(),
    });
  }

  /** How many group fsyncs this log has made (tests read it; nothing else does). */
  get flushes(): number {
    return this.group.flushes;
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
      const read = readFolder(dir, { onWarning, repair: options.repair ?? false });
      return new DurableLog(dir, { warnings }, read.lines, unlock, read, options);
    } catch (error) {
      unlock();
      throw error;
    }
  }

  /**
   * Hands the folder's lines to `apply`, in order: the events of every command acknowledged before. The first call
   * hands over what `open` read; a later one (the sandbox undoing lines a failed fsync lost, or a start again after
   * `cutBefore`) reads the folder again. A line that `apply` refuses stops it with an `UnreplayableLine` naming the
   * file and line.
   */
  replay(apply: (batch: EventBatch) => void): void {
    let lines = this.lines;
    if (!lines) {
      const read = readFolder(this.dir, { onWarning: this.warn, repair: false });
      lines = read.lines;
      this.places = read.places;
    }
    this.lines = undefined;
    lines.forEach((line, index) => {
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
   * For `--repair`: cuts the log before the line `error` names (keeping a copy of the whole file beside it), so the
   * next replay, which reads the folder again, stops before it. False when that line is in the snapshot, not cut.
   */
  cutBefore(error: UnreplayableLine): boolean {
    const place = this.places[error.index] as LinePlace;
    if (place.snapshot) return false;
    const backup = `${this.file}.${new Date().toISOString().replace(/[:.]/g, '-')}.bak`;
    copyFileSync(this.file, backup);
    chmodSync(backup, PRIVATE_FILE_MODE);
    this.writer.truncate(this.fd, place.start);
    fsyncSync(this.fd);
    this.bytes = place.start;
    this.flushed = place.start;
    this.lines = undefined;
    this.warn(
      `${this.file}: line ${place.line} could not be replayed; repaired: cut before it (it and every line after it ` +
        `dropped), the whole file is kept as ${basename(backup)}`,
    );
    return true;
  }

  /**
   * Appends one command's events as one line, every byte of it, or throws storage unavailable having cut off
   * whatever part was written. With `fsync: 'always'`, returns the promise of the group's fsync. Compacts soon once
   * past the threshold.
   */
  accept(batch: EventBatch): void | Promise<void> {
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
    } catch (error) {
      this.torn = true;
      try {
        this.cutBack();
      } catch {
        // Still torn: the next append cuts the file back before it writes.
      }
      throw writeRefusal(error);
    }
    this.bytes += bytes.length;
    this.compactSoon();
    return this.fsync ? this.group.add() : undefined;
  }

  /** The promise of the last line not yet flushed (groups settle in order, so it settles last); undefined if none. */
  unsettled(): Promise<void> | undefined {
    return this.group.unsettled();
  }

  /** Compacts after the current turn, once past the threshold: the request that crossed it is not kept waiting. */
  private compactSoon(): void {
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
   * Lines waiting for a group fsync are flushed first (the snapshot must not take in what is then lost).
   */
  compact(): void {
    if (this.group.running) return; // the running fsync's end compacts
    this.group.flushNow();
    const snapshotFile = join(this.dir, SNAPSHOT_NAME);
    const header: FormatLine = {
      type: 'format',
      version: SNAPSHOT_FORMAT,
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
      this.flushed = this.bytes;
      this.compactions++;
    } catch (error) {
      this.warn(`compaction could not start a fresh log, the old one goes on: ${(error as Error).message}`);
    }
  }

  /** Closes the file and releases the folder; flushes what waits for an fsync, and compacts when past the threshold. */
  close(): void {
    if (this.closed) return;
    this.group.close();
    this.compactIfDue();
    this.closed = true;
    closeSync(this.fd);
    this.unlock();
  }

  /** Closes the log and releases the folder's lock without compacting: for a start that failed after opening it. */
  abandon(): void {
    this.group.abandon();
    this.closed = true;
    closeSync(this.fd);
    this.unlock();
  }

  /** Cuts the file back to its last whole line. */
  private cutBack(): void {
    this.writer.truncate(this.fd, this.bytes);
    this.torn = false;
  }
}
