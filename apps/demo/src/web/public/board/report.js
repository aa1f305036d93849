// @ts-check
// The time-per-status report: the window the form asks for, the export's progress as the stream reports it, and
// the form that starts one. The finished report is drawn by board/report-result.js.

import { api } from './api.js';
import { apiNow } from './clock.js';
import { $, $button, $input, $select } from './dom.js';
import { toLocalInput } from './format.js';
import { renderResult } from './report-result.js';
import { state } from './state.js';

/** @typedef {import('../../report-export.js').ReportExport} ReportExport */

/** @type {Record<string, number>} */
const PHASE_STEP = { requesting: 1, 'rate-limited': 1, pending: 2, downloading: 3, completed: 4, failed: 4 };

function reportWindow() {
  const choice = $select('#report-window').value;
  if (choice === 'custom') {
    const start = $input('#report-start').value;
    const end = $input('#report-end').value;
    if (!start || !end) throw new Error('Choose both ends of the window.');
    return { start: new Date(`${start}:00Z`).toISOString(), end: new Date(`${end}:00Z`).toISOString() };
  }
  // A window may not end in the future: a second back from the board's reading of the API's clock, which runs a
  // little ahead of the server's between two clock events.
  const end = apiNow() - 1000;
  // A report reaches at most one calendar month: 30 days is too long from late January or in February. A month
  // stepped back by setUTCMonth only ever overflows forward (Mar 31 → Mar 3), so it stays inside the limit.
  const monthBefore = new Date(end);
  monthBefore.setUTCMonth(monthBefore.getUTCMonth() - 1);
  const start = Math.max(end - Number(choice) * 1000, monthBefore.getTime());
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

/**
 * Shows an export's progress, and its result once it is complete.
 * @param {ReportExport} exported
 */
export function renderExport(exported) {
  $('#report-progress').hidden = false;
  /** @type {HTMLProgressElement} */ ($('#report-bar')).value = PHASE_STEP[exported.phase] ?? 0;
  const message = $('#report-message');
  const polls = exported.phase === 'pending' && exported.reportStatus ? ` · ${exported.reportStatus}` : '';
  message.textContent = `${exported.phase}${polls} — ${exported.message}`;
  message.classList.toggle('failed', exported.phase === 'failed');
  $('#report-hint').hidden = !(state.mode === 'sandbox' && exported.phase === 'pending');
  const finished = exported.phase === 'completed' || exported.phase === 'failed';
  $button('#export').disabled = !finished;
  if (exported.phase === 'completed' && exported.result) renderResult(exported);
}

/** Makes the window choice and the export form work. */
export function bindReportForm() {
  $('#report-window').addEventListener('change', () => {
    const custom = $select('#report-window').value === 'custom';
    $('#report-custom').hidden = !custom;
    if (custom && !$input('#report-end').value) {
      // The field holds whole minutes, and a window may not end in the future: this minute's start.
      const end = apiNow();
      $input('#report-end').value = toLocalInput(end);
      $input('#report-start').value = toLocalInput(end - 86_400_000);
    }
  });

  $('#report-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('#report-result').hidden = true;
    try {
      const span = reportWindow();
      $button('#export').disabled = true;
      const started = await api('POST', '/api/reports', span);
      state.exportId = started.id;
      renderExport(state.exports.get(started.id) ?? started);
    } catch (error) {
      $button('#export').disabled = false;
      $('#report-progress').hidden = false;
      $('#report-message').textContent = /** @type {Error} */ (error).message;
      $('#report-message').classList.add('failed');
    }
  });
}
