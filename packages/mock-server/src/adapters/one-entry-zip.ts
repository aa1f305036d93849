import { constants, deflateRaw } from 'node:zlib';
import { type FlateError, Zip, ZipPassThrough } from 'fflate';

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

/** A zip of one file being written: its content goes in batch by batch, the last one `final`. */
export type OneEntryZip = {
  /** Deflates `batch` and hands the zip's bytes on; resolves when the next batch may be pushed. */
  push(batch: Uint8Array, final: boolean): Promise<void>;
};

/**
 * Starts a zip holding one file, `fileName`, dated `modifiedAt` (epoch ms, written as its UTC fields); the zip's bytes
 * go to `onBytes` as they are made. `report-zip.ts` loads this module with the first download, so a start that serves
 * none loads neither fflate nor zlib.
 *
 * @example
 * const zip = oneEntryZip('report.csv', job.completesAt, (bytes) => chunks.push(bytes));
 * await zip.push(new TextEncoder().encode('a,b\n'), true);
 */
export function oneEntryZip(fileName: string, modifiedAt: number, onBytes: (bytes: Uint8Array) => void): OneEntryZip {
  const zip = new Zip((error, bytes) => {
    if (error) throw error;
    onBytes(bytes);
  });
  const file = new NativeZipDeflate(fileName);
  file.mtime = zipEntryTime(modifiedAt);
  zip.add(file);
  return {
    async push(batch, final) {
      file.push(batch, final);
      await file.settled;
      if (final) zip.end();
    },
  };
}
