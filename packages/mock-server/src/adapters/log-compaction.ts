import { closeSync, ftruncateSync, openSync, rmSync, writeSync } from 'node:fs';
import type { SandboxEvent } from '../domain/events/sandbox-event.js';
import { PRIVATE_FILE_MODE } from './data-dir-lock.js';
import { commitFile, forEachLine } from './log-file.js';
import type { EventLine, FormatLine } from './log-format.js';
import { StatusRunBuilder, statusColumnsLine } from './status-columns.js';
import { lineParts, scanStatusChanged } from './status-line-scan.js';

/** A part of a file to fold into the snapshot: the lines ending after `skipBytes`. */
export type SnapshotSource = { file: string; skipBytes: number };

/**
 * Writes the snapshot: the event lines of `sources`, in order, into `target` (through a temp file, fsync, rename,
 * fsync of the folder). It knows events, not requests: it keeps the `sandboxStarted` line and every line from the
 * last `sandboxReset` on (a reset carries the clock and reloads every account, so what came before it is undone),
 * and copies the other lines as they are; runs of status changes become one `statusColumns` line each (columns in
 * base64, `status-columns.ts`), which a restart loads straight into the history's columns.
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
    // Consecutive status changes of one account, written as one line of columns.
    let run: StatusRunBuilder | undefined;
    const parts = lineParts();
    const endRun = () => {
      const event = run?.line().events[0];
      if (run && event?.type === 'statusChanges') write(statusColumnsLine(run.app, event.changes, run.ids));
      run = undefined;
    };
    for (const { file, skipBytes } of sources) {
      forEachLine(file, (line, n, end) => {
        if (end <= skipBytes) return;
        const { data } = line;
        if (start !== undefined && scanStatusChanged(data, line.start, line.end, parts, line.read)) {
          if (run && !run.holds(data, parts)) endRun();
          run ??= new StatusRunBuilder(data.toString('utf8', parts[0], parts[1]));
          run.add(data, parts);
          return;
        }
        const text = line.text();
        if (text.trim() === '') return;
        if (text.startsWith('{"type":"format"')) {
          if (n !== 1) throw new Error(`${file}: line ${n}: a format line after the first`);
          return;
        }
        endRun();
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
    endRun();
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
  const line = JSON.parse(text) as EventLine | { type: 'statusColumns' };
  return line.type === 'events' && line.events.some((event) => event.type === type);
}
