import { constants, deflateRaw } from 'node:zlib';
import { type FlateError, Zip, ZipPassThrough } from 'fflate';

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
 * A zip entry deflated by Node's zlib in its thread pool (native code, off the event loop; fflate's own deflate is
 * JavaScript on it), with fflate's streaming zip container, CRC and sizes. Each pushed batch is deflated on its own
 * and sync-flushed, so the pieces concatenate into one valid deflate stream; only the last is final. `settled`
 * resolves once the last pushed batch has been handed on, which is when the next may be pushed.
 */
class NativeZipDeflate extends ZipPassThrough {
  settled: Promise<void> = Promise.resolve();

  constructor(filename: string) {
    super(filename);
    this.compression = 8;
  }

  protected override process(chunk: Uint8Array, final: boolean): void {
    this.settled = new Promise((resolve) => {
      deflateRaw(
        chunk,
        { level: 1, finishFlush: final ? constants.Z_FINISH : constants.Z_SYNC_FLUSH },
        (error, deflated) => {
          if (error) this.ondata(Object.assign(error, { code: 0 }) as FlateError, new Uint8Array(0), final);
          else this.ondata(null, new Uint8Array(deflated.buffer, deflated.byteOffset, deflated.byteLength), final);
          resolve();
        },
      );
    });
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
 * const lines = activityCsvLines(reportPartRows(account.history, job, part, nameOf));
 * const body = zippedCsv('report.csv', lines, job.completesAt);
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
    async pull(controller) {
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
        file.push(encoder.encode(batch), done);
        await file.settled;
        if (done) zip.end();
      }
      for (const chunk of pending) controller.enqueue(chunk);
      pending = [];
      if (done) controller.close();
    },
  });
}
