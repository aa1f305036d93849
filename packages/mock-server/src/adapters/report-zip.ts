import { constants, deflateRawSync } from 'node:zlib';
import { type FlateError, Zip, ZipPassThrough } from 'fflate';

/** Lines per chunk handed to deflate: large enough to amortise the call, small enough to keep memory flat. */
const BATCH_LINES = 4_000;

/**
 * A zip entry deflated by Node's zlib (native code; fflate's own deflate is JavaScript), with fflate's zip
 * container, CRC and sizes. Each pushed batch is deflated on its own and sync-flushed, so the pieces concatenate
 * into one valid deflate stream; only the last is final.
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
