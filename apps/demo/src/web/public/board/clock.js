// @ts-check
// The API's clock as the page follows it, and the counters that run with it.

import { $ } from './dom.js';
import { formatClock, formatDuration } from './format.js';
import { state } from './state.js';

/** "Now" on the API's clock: the sandbox's virtual clock, or real time for a real account. */
export function apiNow() {
  return Date.now() + state.clockOffsetMs;
}

/** Shows the virtual clock's time and moves every "time in status" counter on. */
export function tick() {
  const now = apiNow();
  if (state.mode === 'sandbox') $('#clock-now').textContent = formatClock(now);
  for (const cell of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-since]'))) {
    const seconds = (now - Date.parse(/** @type {string} */ (cell.dataset.since))) / 1000;
    cell.textContent = `${cell.dataset.known === 'true' ? '' : '≥ '}${formatDuration(seconds)}`;
  }
}

/**
 * Follows the API's clock from its current time.
 * @param {string} now
 */
export function setClock(now) {
  state.clockOffsetMs = Date.parse(now) - Date.now();
  tick();
}
