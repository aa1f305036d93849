import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirError } from './data-dir-lock.js';
import { readLogFile } from './log-file.js';
import { type EventLine, LOG_FORMAT, SNAPSHOT_FORMAT } from './log-format.js';
import { freshLog, LOG_NAME, logGeneration, SNAPSHOT_NAME } from './log-header.js';

/** Where a line to apply was read: the file, its line number, the offset of its first byte, and which file. */
export type LinePlace = { file: string; line: number; start: number; snapshot: boolean };

/**
 * Reads a data folder: the snapshot and the log after it (the part of the log the snapshot did not take in), checks
 * that they follow each other and are in the current format; creates an empty log when there is none. Throws a
 * `DataDirError` for a folder it cannot use. `DurableLog.open` reads it so, and a replay after a lost fsync again.
 */
export function readFolder(
  dir: string,
  options: { onWarning: (message: string) => void; repair: boolean },
): { lines: EventLine[]; places: LinePlace[]; bytes: number; generation: number } {
  const { onWarning } = options;
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
  const log = readLogFile(logFile, { onWarning, repair: options.repair, skipBytes });
  for (const [name, read, formats] of [
    [snapshotFile, snapshot, [LOG_FORMAT, SNAPSHOT_FORMAT]],
    [logFile, log, [LOG_FORMAT]],
  ] as const) {
    if (read && !(formats as readonly number[]).includes(read.version)) {
      throw new DataDirError(`${name} is in format ${read.version}; it must be migrated to ${LOG_FORMAT} first`);
    }
  }
  const lines = [...(snapshot?.entries ?? []), ...log.entries] as EventLine[];
  const places = [
    ...(snapshot?.places ?? []).map((p) => ({ ...p, file: snapshotFile, snapshot: true })),
    ...log.places.map((p) => ({ ...p, file: logFile, snapshot: false })),
  ];
  return { lines, places, bytes: log.bytes, generation };
}
