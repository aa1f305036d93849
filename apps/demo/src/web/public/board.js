// @ts-check
// The board page: plain JavaScript modules, no framework (board/*.js, one job each). State comes from the server's
// `/events` stream (board/stream.js); actions go to the server's small JSON API, which calls Freshchat (or the
// sandbox) for us. This module wires the header's controls and starts the page.

import { api } from './board/api.js';
import { setClock, tick } from './board/clock.js';
import { $, $button, $select } from './board/dom.js';
import { bindReportForm } from './board/report.js';
import { bindStatusForm } from './board/statuses.js';
import { connect } from './board/stream.js';

for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('[data-advance]'))) {
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const { now } = await api('POST', '/api/sandbox/clock/advance', { seconds: Number(button.dataset.advance) });
      setClock(now);
    } catch (error) {
      alert(/** @type {Error} */ (error).message);
    } finally {
      button.disabled = false;
    }
  });
}

$('#simulate').addEventListener('click', async () => {
  const button = $button('#simulate');
  button.disabled = true;
  try {
    const made = await api('POST', '/api/sandbox/simulate');
    const note = $('#fill-note');
    note.hidden = false;
    note.textContent =
      `Filled ${made.days} days for ${made.agents_created} new agents (${made.changes.toLocaleString()} status changes, ` +
      'backfilled: no webhooks). Exporting the last 30 days below.';
    $select('#report-window').value = '2592000';
    $('#report-custom').hidden = true;
    /** @type {HTMLFormElement} */ ($('#report-form')).requestSubmit();
  } catch (error) {
    alert(/** @type {Error} */ (error).message);
  } finally {
    button.disabled = false;
  }
});

$('#reload').addEventListener('click', () => api('POST', '/api/refresh').catch((error) => alert(error.message)));

bindStatusForm();
bindReportForm();
setInterval(tick, 1000);
connect();
