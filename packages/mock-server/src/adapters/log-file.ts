import {
  closeSync,
  copyFileSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { basename, dirname } from 'node:path';
import { DataDirError, PRIVATE_FILE_MODE } from './data-dir-lock.js';
import { type EventLine, type FormatLine, type RequestLogEntry, SNAPSHOT_FORMAT } from './log-format.js';
import { isStatusColumns, readStatusColumns, StatusRunBuilder } from './status-columns.js';
import { lineParts, scanStatusChanged } from './status-line-scan.js';

/** Any line after the format line. */
type LogEntry = EventLine | RequestLogEntry;

const ENTRY_TYPES = new Set(['events', 'start', 'request', 'key', 'changes']);

/** What reading one file found. */
export type ReadFile = {
  version: number;
  header: FormatLine | undefined;
  /** Entries after `skipBytes`, in order. */
  entries: LogEntry[];
  /** Where each entry begins in the file: its (first) line's number and the offset of its first byte. */
  places: { line: number; start: number }[];
  /** Bytes of whole lines (a torn tail cut off). */
  bytes: number;
};

/**
 * One line of a file, as bytes `start` to `end` of `data` (valid during the call that hands it over: `data` is read
 * into again), from the file's `read`-th read.
 */
export class LineBytes {
  constructor(
    readonly data: Buffer,
    readonly start: number,
    readonly end: number,
    readonly read: number,
  ) {}
  /** The line as text. */
  text(): string {
    return this.data.toString('utf8', this.start, this.end);
  }
}

/**
 * Calls `onLine` with each whole line of `file` (without its line break) and the byte offset just after it,
 * reading 1 MiB at a time; returns the offset after the last whole line and the torn tail, if any.
 */
export function forEachLine(
  file: string,
  onLine: (line: LineBytes, lineNumber: number, end: number) => void,
): { end: number; torn: string | undefined } {
  const fd = openSync(file, 'r');
  try {
    let offset = 0;
    let lineNumber = 0;
    // The start of a line longer than a chunk (a snapshot's columns): its pieces, joined once its end is read.
    let carry: Buffer[] = [];
    // A snapshot is read in one chunk (its lines of columns are long), a long log in chunks of 64 MiB.
    const size = Math.min(Math.max(fstatSync(fd).size, 1 << 16), 1 << 26);
    const chunk = Buffer.allocUnsafe(size);
    for (let reads = 0; ; reads++) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      const data = chunk.subarray(0, read);
      let from = 0;
      for (let nl = data.indexOf(10, from); nl >= 0; nl = data.indexOf(10, from)) {
        if (carry.length > 0) {
          const line = Buffer.concat([...carry, data.subarray(from, nl)]);
          carry = [];
          offset += line.length + 1;
          onLine(new LineBytes(line, 0, line.length, -1 - reads), ++lineNumber, offset);
        } else {
          offset += nl + 1 - from;
          onLine(new LineBytes(data, from, nl, reads), ++lineNumber, offset);
        }
        from = nl + 1;
      }
      // Copied: the chunk is read into again.
      if (from < data.length) carry.push(Buffer.from(data.subarray(from)));
    }
    return { end: offset, torn: carry.length > 0 ? Buffer.concat(carry).toString('utf8') : undefined };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a log or snapshot: checks its format, skips the first `skipBytes` (already in a snapshot), cuts a torn last
 * line (with a warning), and stops at a corrupt line with its number, unless `repair` is true: then a backup is kept
 * and the file is cut before that line. `repair` left out means the file cannot be repaired (a snapshot).
 */
export function readLogFile(
  file: string,
  options: { skipBytes?: number; repair?: boolean; onWarning: (message: string) => void },
): ReadFile {
  const entries: LogEntry[] = [];
  const places: { line: number; start: number }[] = [];
  /** Where the run being gathered began. */
  let runPlace = { line: 0, start: 0 };
  let header: FormatLine | undefined;
  let goodEnd = 0;
  let lines = 0;
  let corrupt: { line: number; reason: string } | undefined;
  const skipBytes = options.skipBytes ?? 0;
  // Consecutive status changes of one account are gathered into columns, with no JSON parse per line.
  let run: StatusRunBuilder | undefined;
  const parts = lineParts();
  const endRun = () => {
    if (run) {
      entries.push(run.line());
      places.push(runPlace);
    }
    run = undefined;
  };
  const { end, torn } = forEachLine(file, (line, n, lineEnd) => {
    lines = n;
    if (corrupt) return;
    const { data } = line;
    if (n > 1 && scanStatusChanged(data, line.start, line.end, parts, line.read)) {
      if (lineEnd > skipBytes) {
        if (run && !run.holds(data, parts)) endRun();
        if (!run) runPlace = { line: n, start: lineEnd - (line.end - line.start) - 1 };
        run ??= new StatusRunBuilder(data.toString('utf8', parts[0], parts[1]));
        run.add(data, parts);
      }
      goodEnd = lineEnd;
      return;
    }
    if (n > 1 && isStatusColumns(data, line.start, line.end)) {
      try {
        const read = readStatusColumns(data, line.start, line.end);
        if (lineEnd > skipBytes) {
          endRun();
          entries.push(read);
          places.push({ line: n, start: lineEnd - (line.end - line.start) - 1 });
        }
        goodEnd = lineEnd;
      } catch (error) {
        corrupt = { line: n, reason: (error as Error).message };
      }
      return;
    }
    const text = line.text();
    if (text.trim() === '') {
      goodEnd = lineEnd;
      return;
    }
    let entry: { type?: unknown; version?: unknown };
    try {
      entry = JSON.parse(text);
      if (n === 1 && entry.type === 'format') {
        header = entry as FormatLine;
        if (typeof entry.version !== 'number' || entry.version > SNAPSHOT_FORMAT) throw newer(file, entry.version);
      } else if (typeof entry.type !== 'string' || !ENTRY_TYPES.has(entry.type)) {
        throw new Error(`unknown entry type ${JSON.stringify(entry.type)}`);
      } else if (lineEnd > skipBytes) {
        endRun();
        entries.push(entry as LogEntry);
        places.push({ line: n, start: lineEnd - (line.end - line.start) - 1 });
      }
    } catch (error) {
      if (error instanceof DataDirError) throw error;
      corrupt = { line: n, reason: (error as Error).message };
      return;
    }
    goodEnd = lineEnd;
  });
  endRun();
  if (corrupt) {
    const name = basename(file);
    if (options.repair === undefined) {
      // A snapshot is written whole and renamed into place: a bad line in it is damage, not a cut-short write.
      throw new DataDirError(
        `${file}: line ${corrupt.line} of ${lines} is corrupt (${corrupt.reason}); the sandbox did not start. ` +
          `Restore ${name} from a backup, or start on an empty folder.`,
      );
    }
    if (!options.repair) {
      throw new DataDirError(
        `${file}: line ${corrupt.line} of ${lines} is corrupt (${corrupt.reason}); the sandbox did not start. ` +
          `Start it with --repair to keep a backup of ${name} and cut it before line ${corrupt.line}.`,
      );
    }
    const backup = `${file}.${new Date().toISOString().replace(/[:.]/g, '-')}.bak`;
    copyFileSync(file, backup);
    cutAt(file, goodEnd);
    options.onWarning(
      `${file}: line ${corrupt.line} of ${lines} was corrupt; repaired: cut before it (lines ${corrupt.line}–${lines}` +
        `${torn !== undefined ? ' and a torn tail' : ''} dropped), the whole file is kept as ${basename(backup)}`,
    );
  } else if (torn !== undefined) {
    options.onWarning(`${file}: line ${lines + 1} skipped (no line break: the write was cut short)`);
    // Cut a torn tail so the next append starts on a line of its own.
    cutAt(file, end);
  }
  return { version: header?.version ?? 1, header, entries, places, bytes: goodEnd };
}

function newer(file: string, version: unknown): DataDirError {
  return new DataDirError(
    `${file} is in format ${String(version)}, written by a newer freshchat-sandbox; this one reads formats 1 to ` +
      `${SNAPSHOT_FORMAT}. Start a newer version, or use another --data-dir.`,
  );
}

function cutAt(file: string, bytes: number): void {
  const fd = openSync(file, 'r+');
  try {
    ftruncateSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces `file` atomically by `temp`, which is complete: fsync of the temp file, rename over `file`, fsync of
 * the folder so the rename itself survives a machine crash.
 */
export function commitFile(temp: string, file: string): void {
  const fd = openSync(temp, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  syncFolder(dirname(file));
}

/** Writes `text` to `file` atomically (see `commitFile`). */
export function writeFileAtomically(file: string, text: string): void {
  const temp = `${file}.tmp`;
  const fd = openSync(temp, 'w', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  commitFile(temp, file);
}

/** Flushes a folder's entries (new and renamed files) to the disk. */
function syncFolder(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } catch (error) {
    // Some file systems cannot fsync a folder; the rename is then as durable as they make it.
    if (!['EINVAL', 'EISDIR', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    closeSync(fd);
  }
}
