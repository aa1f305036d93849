import { describe, expect, it } from 'vitest';
import { addCalendarMonths, formatIntervalTime, splitByUtcDay } from './calendar.js';

const at = (text: string) => Date.parse(text);
const iso = (ms: number) => new Date(ms).toISOString();

describe('addCalendarMonths', () => {
  it.each([
    ['2030-06-15T12:34:56.789Z', -15, '2029-03-15T12:34:56.789Z'],
    ['2030-06-15T12:00:00.000Z', 1, '2030-07-15T12:00:00.000Z'],
    ['2030-01-31T08:00:00.000Z', 1, '2030-02-28T08:00:00.000Z'],
    ['2032-01-31T08:00:00.000Z', 1, '2032-02-29T08:00:00.000Z'],
    ['2030-03-31T00:00:00.000Z', -1, '2030-02-28T00:00:00.000Z'],
    ['2030-05-31T23:59:59.999Z', -15, '2029-02-28T23:59:59.999Z'],
    ['2030-12-15T00:00:00.000Z', 1, '2031-01-15T00:00:00.000Z'],
    ['2031-01-15T00:00:00.000Z', -1, '2030-12-15T00:00:00.000Z'],
    ['2030-08-31T00:00:00.000Z', 1, '2030-09-30T00:00:00.000Z'],
    ['2030-06-15T00:00:00.000Z', 0, '2030-06-15T00:00:00.000Z'],
  ])('%s %+d months is %s', (from, months, expected) => {
    expect(iso(addCalendarMonths(at(from), months))).toBe(expected);
  });
});

describe('splitByUtcDay', () => {
  it('splits a window at every UTC midnight it crosses', () => {
    expect(
      splitByUtcDay(at('2030-06-13T13:00:00.000Z'), at('2030-06-15T10:00:00.000Z')).map((p) => [
        iso(p.from),
        iso(p.to),
      ]),
    ).toEqual([
      ['2030-06-13T13:00:00.000Z', '2030-06-14T00:00:00.000Z'],
      ['2030-06-14T00:00:00.000Z', '2030-06-15T00:00:00.000Z'],
      ['2030-06-15T00:00:00.000Z', '2030-06-15T10:00:00.000Z'],
    ]);
  });

  it('keeps a window inside one day whole, and one that ends at midnight in one piece', () => {
    expect(splitByUtcDay(at('2030-06-14T01:00:00.000Z'), at('2030-06-14T02:00:00.000Z'))).toEqual([
      { from: at('2030-06-14T01:00:00.000Z'), to: at('2030-06-14T02:00:00.000Z') },
    ]);
    expect(splitByUtcDay(at('2030-06-14T00:00:00.000Z'), at('2030-06-15T00:00:00.000Z'))).toEqual([
      { from: at('2030-06-14T00:00:00.000Z'), to: at('2030-06-15T00:00:00.000Z') },
    ]);
  });

  it('gives a one-month window one piece per day, with no gap and no overlap', () => {
    const from = at('2030-01-31T06:00:00.000Z');
    const to = at('2030-02-28T06:00:00.000Z');
    const pieces = splitByUtcDay(from, to);
    expect(pieces).toHaveLength(29);
    expect(pieces[0]?.from).toBe(from);
    expect(pieces.at(-1)?.to).toBe(to);
    for (const [i, piece] of pieces.entries()) if (i > 0) expect(piece.from).toBe(pieces[i - 1]?.to);
  });

  it('gives nothing for an empty window', () => {
    expect(splitByUtcDay(at('2030-06-14T00:00:00.000Z'), at('2030-06-14T00:00:00.000Z'))).toEqual([]);
  });
});

describe('formatIntervalTime', () => {
  it("writes Freshchat's interval format, keeping the milliseconds as the format prints them", () => {
    expect(formatIntervalTime(at('2020-12-21T00:00:00.000Z'))).toBe('2020-12-21 00:00:00.0');
    expect(formatIntervalTime(at('2020-12-22T13:05:09.987Z'))).toBe('2020-12-22 13:05:09.987');
    expect(formatIntervalTime(at('2020-12-22T13:05:05.123Z'))).toBe('2020-12-22 13:05:05.123');
    expect(formatIntervalTime(at('2020-12-22T13:05:05.500Z'))).toBe('2020-12-22 13:05:05.5');
    expect(formatIntervalTime(at('2020-12-22T13:05:05.120Z'))).toBe('2020-12-22 13:05:05.12');
    expect(formatIntervalTime(at('2020-12-22T13:05:05.007Z'))).toBe('2020-12-22 13:05:05.007');
  });
});
