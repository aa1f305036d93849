import { stringify } from 'csv-stringify/sync';
import { Zip, ZipDeflate } from 'fflate';
import type { StatusHistory } from './status-history.js';

/** Columns of the `Agent-IntelliAssign-Activity` CSV, in the document's order. */
export const ACTIVITY_COLUMNS = [
  'agent_name',
  'agent_id',
  'activity_type',
  'agent_status',
  'agent_status_in_seconds',
  'created_at',
] as const;

/** Rows per CSV batch: large enough to amortise the stringifier, small enough to keep memory flat. */
const BATCH_ROWS = 2_000;

/**
 * The rows of one agent-activity sub-report `[from, to)`: one per period an agent spent in one status that overlaps
 * the window, with the period's whole seconds inside it; a period still running at `cutoff` ends there.
 */
export function* activityRows(
  history: StatusHistory,
  window: { from: number; to: number },
  cutoff: number,
  agentName: (agentId: string) => string,
  excludePii: boolean,
): Generator<(string | number)[]> {
  for (const { entry, seconds } of history.periods(window.from, window.to, Number.POSITIVE_INFINITY, cutoff)) {
    yield [
      excludePii ? '' : agentName(entry.agentId),
      entry.agentId,
      entry.active ? 'active' : 'inactive',
      entry.statusName,
      seconds,
      new Date(entry.at).toISOString(),
    ];
  }
}

/**
 * A zip holding one CSV file, produced as a stream: rows are pulled in batches only as fast as the reader takes the
 * bytes, so a report of any size is served in constant memory.
 *
 * @example
 * const body = zippedCsv('report.csv', ACTIVITY_COLUMNS, activityRows(history, part, cutoff, nameOf, false));
 * return new Response(body, { headers: { 'Content-Type': 'application/zip' } });
 */
export function zippedCsv(
  fileName: string,
  columns: readonly string[],
  rows: Iterator<(string | number)[]>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let pending: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    pending.push(chunk);
  });
  const file = new ZipDeflate(fileName, { level: 6 });
  zip.add(file);
  file.push(encoder.encode(stringify([columns as string[]])));
  let done = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      // Pull until the zip has produced output (deflate buffers internally) or the rows run out.
      while (pending.length === 0 && !done) {
        const batch: (string | number)[][] = [];
        for (let next = rows.next(); ; next = rows.next()) {
          if (next.done) {
            done = true;
            break;
          }
          batch.push(next.value);
          if (batch.length === BATCH_ROWS) break;
        }
        file.push(batch.length > 0 ? encoder.encode(stringify(batch)) : new Uint8Array(0), done);
        if (done) zip.end();
      }
      for (const chunk of pending) controller.enqueue(chunk);
      pending = [];
      if (done) controller.close();
    },
  });
}
