// @ts-check
// A finished report on the page: the table of time per status, the bar chart, its legend and the CSV links.

import { $, el } from './dom.js';
import { formatClock, formatDuration } from './format.js';

/** @typedef {import('../../report-export.js').ReportExport} ReportExport */

/** @type {Record<string, string>} */
const STATUS_COLORS = {
  'Active on IntelliAssign': '#2f9e63',
  Unavailable: '#8a94a0',
};
const PALETTE = ['#e0a526', '#4a7fd6', '#c9563c', '#8e5bd0', '#2aa3a3', '#d6589a', '#6b8e23', '#b07d48'];

/**
 * @param {string} status
 * @param {string[]} statuses
 */
function colorOf(status, statuses) {
  if (STATUS_COLORS[status]) return STATUS_COLORS[status];
  const custom = statuses.filter((name) => !STATUS_COLORS[name]);
  return PALETTE[custom.indexOf(status) % PALETTE.length];
}

/**
 * Draws a completed export's result.
 * @param {ReportExport} exported a completed one
 */
export function renderResult(exported) {
  const result = /** @type {NonNullable<ReportExport['result']>} */ (exported.result);
  $('#report-result').hidden = false;
  $('#report-summary').textContent =
    `${formatClock(Date.parse(exported.start))} → ${formatClock(Date.parse(exported.end))}: ` +
    `${result.rows} activity rows in ${result.parts} CSV file(s).`;
  const table = $('#report-table');
  /** @type {HTMLElement} */ (table.querySelector('thead')).replaceChildren(
    el(
      'tr',
      {},
      el('th', { scope: 'col' }, 'Agent'),
      result.statuses.map((status) => el('th', { scope: 'col' }, status)),
      el('th', { scope: 'col' }, 'Total'),
    ),
  );
  /** @type {HTMLElement} */ (table.querySelector('tbody')).replaceChildren(
    ...result.agents.map((agent) =>
      el(
        'tr',
        { dataset: { agentId: agent.agentId } },
        el('td', {}, agent.agentName),
        result.statuses.map((status) =>
          el('td', {}, agent.seconds[status] === undefined ? '–' : formatDuration(agent.seconds[status])),
        ),
        el('td', {}, formatDuration(agent.totalSeconds)),
      ),
    ),
  );
  const longest = Math.max(1, ...result.agents.map((agent) => agent.totalSeconds));
  $('#report-chart').replaceChildren(
    ...result.agents.flatMap((agent) => [
      el('div', { class: 'label' }, agent.agentName),
      el(
        'div',
        { class: 'bar', style: `width: ${(agent.totalSeconds / longest) * 100}%` },
        result.statuses
          .filter((status) => agent.seconds[status])
          .map((status) => {
            // Kept by the filter above: the agent has seconds on this status.
            const seconds = /** @type {number} */ (agent.seconds[status]);
            return el('div', {
              class: 'segment',
              title: `${status}: ${formatDuration(seconds)}`,
              style: `width: ${(seconds / agent.totalSeconds) * 100}%; background: ${colorOf(status, result.statuses)}`,
            });
          }),
      ),
      el('div', { class: 'total' }, formatDuration(agent.totalSeconds)),
    ]),
  );
  $('#report-legend').replaceChildren(
    ...result.statuses.map((status) => el('span', { style: `--swatch: ${colorOf(status, result.statuses)}` }, status)),
  );
  $('#downloads').replaceChildren(
    'Download CSV: ',
    el(
      'a',
      { id: 'download-activity', href: `/api/reports/${exported.id}/activity.csv`, download: '' },
      'activity rows',
    ),
    ' · ',
    el(
      'a',
      { id: 'download-summary', href: `/api/reports/${exported.id}/time-per-status.csv`, download: '' },
      'time per status',
    ),
  );
}
