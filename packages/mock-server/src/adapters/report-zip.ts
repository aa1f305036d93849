import type { OneEntryZip } from './one-entry-zip.js';

/**
 * How long one batch of lines may take to build on the event loop, in milliseconds, and the most bytes it holds.
 * Each batch is then deflated off the loop, so a download of any size leaves other requests answered between its
 * batches within a few milliseconds (bench/NOTES.md has the figures).
 */
const BATCH_BUDGET_MS = 4;
const BATCH_MAX_CHARS = 512 * 1024;
/** Lines built between two looks at the time. */
const LINES_PER_LOOK = 64;

/**
 * A zip holding one CSV file, produced as a stream: lines are pulled in batches only as fast as the reader takes
 * the bytes, so a report of any size is served in constant memory. The entry's timestamp is `modifiedAt` (clock
 * time, epoch ms), so the same report gives the same bytes whenever it is downloaded.
 *
 * @example
 * const lines = activityCsvLines(reportPartRows(account.history, job, part, nameOf));
 * const body = zippedCsv('report.csv', lines, job.completesAt);
 * return new Response(body, { headers: { 'Content-Type': 'application/zip' } });
 */
export function zippedCsv(fileName: string, lines: Iterator<string>, modifiedAt: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let pending: Uint8Array[] = [];
  let zip: OneEntryZip | undefined;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      // fflate and zlib load with the first download, not with every start (bench/NOTES.md, "What a start loads").
      zip ??= (await import('./one-entry-zip.js')).oneEntryZip(fileName, modifiedAt, (bytes) => pending.push(bytes));
      // Batch after batch until the zip has produced output or the lines run out; each batch's deflate is a turn
      // of the event loop, so other requests are answered in between.
      while (pending.length === 0 && !done) {
        let batch = '';
        const started = performance.now();
        build: for (;;) {
          for (let n = 0; n < LINES_PER_LOOK; n++) {
            const next = lines.next();
            if (next.done) {
              done = true;
              break build;
            }
            batch += next.value;
          }
          if (batch.length >= BATCH_MAX_CHARS || performance.now() - started >= BATCH_BUDGET_MS) break;
        }
        await zip.push(encoder.encode(batch), done);
      }
      for (const chunk of pending) controller.enqueue(chunk);
      pending = [];
      if (done) controller.close();
    },
  });
}
