/** Calendar arithmetic in UTC, as the Extract API's window rules need it. */

const DAY_MS = 86_400_000;

/**
 * Adds `months` calendar months in UTC, clamping the day to the target month's length (Mar 31 − 1 month is
 * Feb 28 or 29, not Mar 3).
 */
export function addCalendarMonths(epochMs: number, months: number): number {
  const d = new Date(epochMs);
  const targetMonth = d.getUTCMonth() + months;
  const year = d.getUTCFullYear() + Math.floor(targetMonth / 12);
  const month = ((targetMonth % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(
    year,
    month,
    Math.min(d.getUTCDate(), lastDay),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  );
}

/** Splits `[from, to)` at UTC midnights: one piece per calendar day the window touches. */
export function splitByUtcDay(from: number, to: number): { from: number; to: number }[] {
  const pieces: { from: number; to: number }[] = [];
  for (let start = from; start < to; ) {
    const nextMidnight = Math.floor(start / DAY_MS) * DAY_MS + DAY_MS;
    const end = Math.min(nextMidnight, to);
    pieces.push({ from: start, to: end });
    start = end;
  }
  return pieces;
}

/**
 * Freshchat's `interval` time format, a Java `Timestamp` printed: the milliseconds without their trailing zeros,
 * at least one digit (`2020-12-21 00:00:00.0`, `2020-12-21 00:00:05.123`, `2020-12-21 00:00:05.5`).
 */
export function formatIntervalTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString(); // 2020-12-21T00:00:00.000Z
  const fraction = iso.slice(20, 23).replace(/0+$/, '') || '0';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${fraction}`;
}
