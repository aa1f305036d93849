// @ts-check
// State comes from the server's `/events` stream (server-sent events): a `snapshot` on connect, then `agent` (a
// verified webhook changed a line), `log`, `clock`, `statuses` and `report`.

import { renderAgent, renderBoard } from './agents.js';
import { setClock } from './clock.js';
import { $ } from './dom.js';
import { eventItem, renderEvents } from './events-log.js';
import { renderExport } from './report.js';
import { state } from './state.js';
import { renderStatuses } from './statuses.js';

/** @typedef {import('../../board.js').BoardAgent} BoardAgent */
/** @typedef {import('../../board.js').StatusChoice} StatusChoice */
/** @typedef {ReturnType<import('../../demo-backend.js').DemoBackend['snapshot']>} Snapshot */

/** @param {Snapshot} snapshot */
function applySnapshot(snapshot) {
  state.mode = snapshot.mode;
  state.statuses = snapshot.statuses;
  state.webhooksLive = snapshot.webhooks.live;
  state.agents = new Map(snapshot.agents.map((agent) => [agent.id, agent]));
  if (snapshot.clock) setClock(snapshot.clock.now);
  const sandbox = snapshot.mode === 'sandbox';
  $('#mode').textContent = sandbox ? `Sandbox · ${snapshot.sandboxUrl}` : `Freshchat · ${snapshot.apiUrl}`;
  $('#clock').hidden = !sandbox;
  $('#statuses-section').hidden = !sandbox;
  $('#simulate').hidden = !sandbox;
  const notice = $('#notice');
  notice.hidden = sandbox;
  notice.textContent = sandbox ? '' : snapshot.webhooks.note;
  $('#board-note').textContent = sandbox
    ? 'Lines change only when a verified webhook arrives: change a status here, or as the agent would through the sandbox.'
    : snapshot.webhooks.live
      ? 'Lines change when a verified webhook arrives from Freshchat.'
      : 'Webhooks are off: lines change on the API’s answers and on Reload. Times marked ≥ count from when the board first saw the status.';
  renderBoard();
  renderEvents(snapshot.events);
  renderStatuses();
}

/**
 * Opens the server's event stream and keeps the page in step with it; the browser reconnects by itself.
 */
export function connect() {
  const source = new EventSource('/events');
  const connection = $('#connection');
  source.addEventListener('open', () => {
    connection.textContent = '● live';
    connection.classList.add('live');
  });
  source.addEventListener('error', () => {
    connection.textContent = '○ reconnecting…';
    connection.classList.remove('live');
  });
  source.addEventListener('snapshot', (message) => applySnapshot(JSON.parse(message.data)));
  source.addEventListener('agent', (message) => {
    const agent = JSON.parse(message.data);
    state.pending.delete(agent.id);
    renderAgent(agent, true);
  });
  source.addEventListener('log', (message) => {
    $('#events').prepend(eventItem(JSON.parse(message.data)));
  });
  source.addEventListener('clock', (message) => setClock(JSON.parse(message.data).now));
  source.addEventListener('statuses', (message) => {
    /** @type {{ statuses: StatusChoice[], agents: BoardAgent[] }} */
    const { statuses, agents } = JSON.parse(message.data);
    state.statuses = statuses;
    state.agents = new Map(agents.map((agent) => [agent.id, agent]));
    renderBoard();
    renderStatuses();
  });
  source.addEventListener('report', (message) => {
    const exported = JSON.parse(message.data);
    // An export's first events can arrive before the answer that names it.
    state.exports.set(exported.id, exported);
    if (exported.id === state.exportId) renderExport(exported);
  });
}
