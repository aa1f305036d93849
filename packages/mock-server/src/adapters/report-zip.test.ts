import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { zippedCsv } from './report-zip.js';

describe('zippedCsv', () => {
  const bytesOf = async (modifiedAt: number) =>
    new Uint8Array(
      await new Response(zippedCsv('part.csv', ['a,b\n', '1,2\n'][Symbol.iterator](), modifiedAt)).arrayBuffer(),
    );
  /** The MS-DOS time and date of the zip's first local file header (offsets 10 and 12), as UTC fields. */
  const entryTime = (zip: Uint8Array) => {
    const view = new DataView(zip.buffer, zip.byteOffset);
    const time = view.getUint16(10, true);
    const date = view.getUint16(12, true);
    return Date.UTC(
      1980 + (date >> 9),
      ((date >> 5) & 15) - 1,
      date & 31,
      time >> 11,
      (time >> 5) & 63,
      (time & 31) * 2,
    );
  };

  it('stamps the entry with the given clock time in UTC, so one report gives the same bytes whenever it is read', async () => {
    const at = Date.parse('2030-06-15T12:34:56.789Z');
    const first = await bytesOf(at);
    expect(entryTime(first)).toBe(Date.parse('2030-06-15T12:34:56Z'));
    expect(await bytesOf(at)).toEqual(first);
  });

  it('clamps a clock time outside what a zip can hold (1980-2099) instead of failing', async () => {
    expect(entryTime(await bytesOf(Date.parse('9999-12-31T23:59:59Z')))).toBe(Date.parse('2099-12-31T23:59:58Z'));
    expect(entryTime(await bytesOf(0))).toBe(Date.parse('1980-01-01T00:00:00Z'));
  });

  it('zips a large file in many batches, each a turn of the event loop, into one valid entry', async () => {
    const lines = Array.from({ length: 200_000 }, (_, n) => `agent ${n % 977},${n},inactive,Lunch,${n * 7}\n`);
    let turns = 0;
    let reading = true;
    const count = () => {
      turns++;
      if (reading) setImmediate(count);
    };
    setImmediate(count);
    const zip = new Uint8Array(await new Response(zippedCsv('big.csv', lines[Symbol.iterator](), 0)).arrayBuffer());
    reading = false;

    // Other work ran while it was zipped, not only before or after.
    expect(turns).toBeGreaterThan(5);
    const entries = unzipSync(zip);
    expect(Object.keys(entries)).toEqual(['big.csv']);
    expect(new TextDecoder().decode(entries['big.csv'])).toBe(lines.join(''));
  });
});
