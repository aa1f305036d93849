/**
 * The format line that starts the log and the snapshot: writing a fresh log's, and reading what a file's says (which
 * generation a log is, what a snapshot took in) without reading the rest of the file.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from './log-file.js';
import { type FormatLine, LOG_FORMAT } from './log-format.js';

/** The log's file name in the data folder. */
export const LOG_NAME = 'sandbox-log.ndjson';
/** The snapshot's file name in the data folder. */
export const SNAPSHOT_NAME = 'sandbox-snapshot.ndjson';

/**
 * The format of the data folder's files, read from their format lines: the older of the log's and the snapshot's
 * (1 for a log without one); undefined for a folder with no log and no snapshot yet, or an empty log.
 */
export function folderFormat(dir: string): number | undefined {
  let format: number | undefined;
  for (const name of [SNAPSHOT_NAME, LOG_NAME]) {
    const file = join(dir, name);
    if (!existsSync(file) || statSync(file).size === 0) continue;
    const version = readHeader(file)?.version ?? 1;
    format = Math.min(format ?? version, version);
  }
  return format;
}

/** A log's format line for `generation`, as the bytes that start the file. */
export function headerLine(generation: number): Buffer {
  const line: FormatLine = { type: 'format', version: LOG_FORMAT, generation };
  return Buffer.from(`${JSON.stringify(line)}\n`);
}

/** Replaces `file` (atomically) with an empty log of `generation`: its format line alone. */
export function freshLog(file: string, generation: number): void {
  writeFileAtomically(file, headerLine(generation).toString());
}

/** The generation a log's format line names; 0 for a log without one (format 1). */
export function logGeneration(file: string): number {
  const header = readHeader(file);
  return header && 'generation' in header ? header.generation : 0;
}

/** The log generation and byte count a snapshot's format line says it took in; undefined if it names none. */
export function readCovers(file: string): { generation: number; bytes: number } | undefined {
  const header = readHeader(file);
  return header && 'snapshot' in header ? header.snapshot : undefined;
}

/** The first line, if it is a format line. */
function readHeader(file: string): FormatLine | undefined {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(256);
    // A header line is short: the first 256 bytes hold it.
    const text = buffer.toString('utf8', 0, readSync(fd, buffer, 0, buffer.length, 0));
    const first = text.slice(0, text.indexOf('\n'));
    if (!first.startsWith('{"type":"format"')) return undefined;
    return JSON.parse(first) as FormatLine;
  } finally {
    closeSync(fd);
  }
}
