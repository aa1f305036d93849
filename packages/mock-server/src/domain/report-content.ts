import { constants, deflateRawSync } from 'node:zlib';
import { type FlateError, Zip, ZipPassThrough } from 'fflate';
import { freshchatDocument } from '../generated/documents.js';
import type { StatusHistory } from './status-history.js';

type RowSchema = {
  components: { schemas: { AgentIntelliAssignActivityRow: { properties: Record<string, unknown> } } };
};

/** Columns of the `Agent-IntelliAssign-Activity` CSV: the properties of the spec's row schema, in its order. */
export const ACTIVITY_COLUMNS: readonly string[] = Object.keys(
  (freshchatDocument as unknown as RowSchema).components.schemas.AgentIntelliAssignActivityRow.properties,
);

/** Lines per chunk handed to deflate: large enough to amortise the call, small enough to keep memory flat. */
const BATCH_LINES = 4_000;

/**
 * One CSV field as RFC 4180 writes it: quoted, with quotes doubled, when it holds a comma, quote or line break.
 * (csv-stringify did this at a third of a 1 M-row report's time; rows here are six known fields, two of them text.)
 */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A CSV line (with its line break) from fields. */
export function csvLine(fields: readonly (string | number)[]): string {
  return `${fields.map((f) => (typeof f === 'number' ? String(f) : csvField(f))).join(',')}\n`;
}

/**
 * The lines of one agent-activity sub-report `[from, to)`, header first: one row per period an agent spent in one
 * status that overlaps the window, with the period's whole seconds inside it; a period still running at `cutoff`
 * ends there.
 */
export function* activityCsvLines(
  history: StatusHistory,
  window: { from: number; to: number },
  cutoff: number,
  agentName: (agentId: string) => string,
  excludePii: boolean,
): Generator<string> {
  yield csvLine(ACTIVITY_COLUMNS);
  const cursor = history.cursor(window.from, window.to, cutoff);
  // Per agent and per status the leading fields never change: escape them once.
  const agentPrefix = new Map<string, string>();
  const statusPart = new Map<string, string>();
  while (cursor.next()) {
    const agentId = cursor.agentId();
    const status = cursor.status();
    let prefix = agentPrefix.get(agentId);
    if (prefix === undefined) {
      prefix = `${csvField(excludePii ? '' : agentName(agentId))},${csvField(agentId)},`;
      agentPrefix.set(agentId, prefix);
    }
    const key = `${status.active ? 1 : 0}${status.name}`;
    let part = statusPart.get(key);
    if (part === undefined) {
      part = `${status.active ? 'active' : 'inactive'},${csvField(status.name)},`;
      statusPart.set(key, part);
    }
    yield `${prefix}${part}${cursor.seconds},${new Date(cursor.selectedAt()).toISOString()}\n`;
  }
}

/**
 * A zip entry deflated by Node's zlib (native code, about three times fflate's JavaScript deflate here), with
 * fflate's zip container, CRC and sizes. Each pushed batch is deflated on its own and sync-flushed, so the pieces
 * concatenate into one valid deflate stream; only the last is final.
 */
class NativeZipDeflate extends ZipPassThrough {
  constructor(filename: string) {
    super(filename);
    this.compression = 8;
  }

  protected override process(chunk: Uint8Array, final: boolean): void {
    try {
      const deflated = deflateRawSync(chunk, {
        level: 1,
        finishFlush: final ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
      });
      this.ondata(null, new Uint8Array(deflated.buffer, deflated.byteOffset, deflated.byteLength), final);
    } catch (error) {
      this.ondata(Object.assign(error as Error, { code: 0 }) as FlateError, new Uint8Array(0), final);
    }
  }
}

/** The range a zip entry's MS-DOS timestamp can hold. */
const ZIP_TIME_RANGE = { first: Date.UTC(1980, 0, 1), last: Date.UTC(2099, 11, 31, 23, 59, 58) };

/**
 * The `mtime` to hand fflate so the entry's timestamp reads `at` in UTC on any machine (fflate writes the local
 * time's fields), clamped to what a zip can hold (1980–2099).
 */
function zipEntryTime(at: number): Date {
  const utc = new Date(Math.min(Math.max(at, ZIP_TIME_RANGE.first), ZIP_TIME_RANGE.last));
  return new Date(
    utc.getUTCFullYear(),
    utc.getUTCMonth(),
    utc.getUTCDate(),
    utc.getUTCHours(),
    utc.getUTCMinutes(),
    utc.getUTCSeconds(),
  );
}

/**
 * A zip holding one CSV file, produced as a stream: lines are pulled in batches only as fast as the reader takes
 * the bytes, so a report of any size is served in constant memory. The entry's timestamp is `modifiedAt` (clock
 * time, epoch ms), so the same report gives the same bytes whenever it is downloaded.
 *
 * @example
 * const body = zippedCsv('report.csv', activityCsvLines(history, part, cutoff, nameOf, false), job.completesAt);
 * return new Response(body, { headers: { 'Content-Type': 'application/zip' } });
 */
export function zippedCsv(fileName: string, lines: Iterator<string>, modifiedAt: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let pending: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    pending.push(chunk);
  });
  const file = new NativeZipDeflate(fileName);
  file.mtime = zipEntryTime(modifiedAt);
  zip.add(file);
  let done = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      // Pull until the zip has produced output (deflate buffers internally) or the lines run out.
      while (pending.length === 0 && !done) {
        let batch = '';
        for (let n = 0; n < BATCH_LINES; n++) {
          const next = lines.next();
          if (next.done) {
            done = true;
            break;
          }
          batch += next.value;
        }
        file.push(encoder.encode(batch), done);
        if (done) zip.end();
      }
      for (const chunk of pending) controller.enqueue(chunk);
      pending = [];
      if (done) controller.close();
    },
  });
}
