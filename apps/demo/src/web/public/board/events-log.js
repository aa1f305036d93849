// @ts-check
// The live events list: verified and refused webhooks, and API answers, newest first.

import { $, el } from './dom.js';
import { formatTime } from './format.js';

/** @typedef {import('../../board.js').BoardEvent} BoardEvent */

/**
 * One event's line in the list.
 * @param {BoardEvent} event
 */
export function eventItem(event) {
  const label =
    event.kind === 'verified'
      ? el('span', { class: 'verified' }, '✓ verified')
      : event.kind === 'refused'
        ? el('span', { class: 'refused' }, '✗ refused')
        : el('span', {}, 'API answer');
  return el('li', {}, el('time', {}, formatTime(event.at)), label, ' ', event.text);
}

/**
 * Replaces the list with `events`, newest first.
 * @param {BoardEvent[]} events
 */
export function renderEvents(events) {
  $('#events').replaceChildren(...events.map(eventItem));
}
