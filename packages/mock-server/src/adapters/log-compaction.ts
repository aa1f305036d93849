import { closeSync, ftruncateSync, openSync, rmSync, writeSync } from 'node:fs';
import type { SandboxEvent } from '../domain/events/sandbox-event.js';
import { PRIVATE_FILE_MODE } from './data-dir-lock.js';
import { commitFile, type EventLine, type FormatLine, forEachLine } from './log-file.js';

/** A part of a file to fold into the snapshot: the lines ending after `skipBytes`. */
export type SnapshotSource = { file: string; skipBytes: number };

/**
 * Writes the snapshot: the event lines of `sources`, in order, into `target` (through a temp file, fsync, rename,
 * fsync of the folder). It knows events, not requests: it keeps the `sandboxStarted` line and every line from the
 * last `sandboxReset` on (a reset carries the clock and reloads every account, so what came before it is undone),
 * and copies the lines as they are. A faster snapshot would write the state itself, as columns.
 *
 * @example
 * writeSnapshot([{ file: 'dir/sandbox-log.ndjson', skipBytes: 0 }], 'dir/sandbox-snapshot.ndjson', header);
 */
export function writeSnapshot(sources: SnapshotSource[], target: string, header: FormatLine): void {
  const temp = `${target}.tmp`;
  const fd = openSync(temp, 'w', PRIVATE_FILE_MODE);
  let position = 0;
  const write = (text: string) => {
    const bytes = Buffer.from(`${text}\n`);
    for (let written = 0; written < bytes.length; ) {
      written += writeSync(fd, bytes, written, bytes.length - written, position + written);
    }
    position += bytes.length;
  };
  try {
    write(JSON.stringify(header));
    const headerEnd = position;
    let start: string | undefined;
    for (const { file, skipBytes } of sources) {
      forEachLine(file, (text, n, end) => {
        if (end <= skipBytes || text.trim() === '') return;
        if (text.startsWith('{"type":"format"')) {
          if (n !== 1) throw new Error(`${file}: line ${n}: a format line after the first`);
          return;
        }
        if (start === undefined) {
          if (!has(text, 'sandboxStarted')) throw new Error(`${file}: line ${n}: the first event is not the start`);
          start = text;
        } else if (has(text, 'sandboxReset')) {
          position = headerEnd;
          ftruncateSync(fd, position);
          write(start);
        }
        write(text);
      });
    }
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  commitFile(temp, target);
}

/** Whether a line holds an event of `type` (the text is searched first: most lines are parsed only when it matches). */
function has(text: string, type: SandboxEvent['type']): boolean {
  if (!text.includes(`"${type}"`)) return false;
  return (JSON.parse(text) as EventLine).events.some((event) => event.type === type);
}
