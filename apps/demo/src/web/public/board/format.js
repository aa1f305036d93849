// @ts-check
// How the page writes durations and times (always UTC).

/**
 * A duration as `1h 02m 03s`, `2m 03s` or `3s`.
 * @param {number} totalSeconds
 */
export function formatDuration(totalSeconds) {
  const whole = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const seconds = whole % 60;
  const two = (/** @type {number} */ n) => String(n).padStart(2, '0');
  if (hours > 0) return `${hours}h ${two(minutes)}m ${two(seconds)}s`;
  if (minutes > 0) return `${minutes}m ${two(seconds)}s`;
  return `${seconds}s`;
}

/**
 * An instant as `2026-01-31 12:00:00 UTC`.
 * @param {number} ms
 */
export function formatClock(ms) {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * The time of day of an ISO instant, `12:00:00` (UTC).
 * @param {string} iso
 */
export function formatTime(iso) {
  return new Date(iso).toISOString().slice(11, 19);
}

/**
 * An instant as a `datetime-local` input's value, in UTC.
 * @param {number} ms
 */
export function toLocalInput(ms) {
  return new Date(ms).toISOString().slice(0, 16);
}
