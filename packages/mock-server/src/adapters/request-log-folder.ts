/**
 * A data folder in format 1 or 2, whose log holds HTTP requests: reading it for the migration, and putting it aside
 * once its format-3 log is written.
 */
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBatch } from '../domain/events/event-sink.js';
import { DataDirError } from './data-dir-lock.js';
import { readLogFile, writeFileAtomically } from './log-file.js';
import type { EventLine, RequestLogEntry } from './log-format.js';
import { folderFormat, headerLine, LOG_NAME, logGeneration, SNAPSHOT_NAME } from './log-header.js';

/**
 * The requests a format-1 or format-2 folder holds, in order: its snapshot's, then its log's after what the snapshot
 * took in. A torn last line is cut (with a warning); a corrupt one stops it, unless `repair`.
 */
export function readRequestLog(
  dir: string,
  options: { repair?: boolean | undefined; onWarning: (message: string) => void },
): RequestLogEntry[] {
  const snapshotFile = join(dir, SNAPSHOT_NAME);
  const logFile = join(dir, LOG_NAME);
  const snapshot = existsSync(snapshotFile) ? readLogFile(snapshotFile, options) : undefined;
  const covers = snapshot?.header && 'snapshot' in snapshot.header ? snapshot.header.snapshot : undefined;
  if (snapshot && !covers) throw new DataDirError(`${snapshotFile} has no snapshot header`);
  const log = existsSync(logFile)
    ? readLogFile(logFile, {
        ...options,
        repair: options.repair ?? false,
        skipBytes: covers && logGeneration(logFile) === covers.generation ? covers.bytes : 0,
      })
    : undefined;
  return [...(snapshot?.entries ?? []), ...(log?.entries ?? [])] as RequestLogEntry[];
}

/**
 * Puts the format-`version` files aside (renamed with a `.v<version>` suffix, never deleted) and writes `batches` as
 * the folder's format-3 log (generation 0). The new log is complete before the old files move.
 */
export function replaceRequestLog(dir: string, version: number, batches: readonly EventBatch[]): string[] {
  const lines = batches.map((batch) => {
    const line: EventLine = { type: 'events', events: [...batch.events], ids: batch.idsDrawn };
    return `${JSON.stringify(line)}\n`;
  });
  const fresh = join(dir, `${LOG_NAME}.v3`);
  writeFileAtomically(fresh, headerLine(0).toString() + lines.join(''));
  const kept: string[] = [];
  for (const name of [SNAPSHOT_NAME, LOG_NAME]) {
    const file = join(dir, name);
    if (!existsSync(file)) continue;
    renameSync(file, `${file}.v${version}`);
    kept.push(`${name}.v${version}`);
  }
  renameSync(fresh, join(dir, LOG_NAME));
  return kept;
}

/**
 * Finishes a replacement that a kill cut short: the format-3 log is complete once it has its temporary name (it was
 * written atomically), so the old files still in place are put aside and it takes its place. Returns whether there
 * was one to finish.
 */
export function finishReplacement(dir: string): boolean {
  const fresh = join(dir, `${LOG_NAME}.v3`);
  if (!existsSync(fresh)) return false;
  const version = folderFormat(dir);
  for (const name of [SNAPSHOT_NAME, LOG_NAME]) {
    const file = join(dir, name);
    if (existsSync(file)) renameSync(file, `${file}.v${version}`);
  }
  renameSync(fresh, join(dir, LOG_NAME));
  return true;
}
