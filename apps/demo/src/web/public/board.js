// @ts-check
// The board page: plain JavaScript, no framework. State comes from the server's `/events` stream (server-sent
// events): a `snapshot` on connect, then `agent` (a verified webhook changed a line), `log`, `clock`, `statuses`
// and `report`. Actions go to the server's small JSON API, which calls Freshchat (or the sandbox) for us.

// The shapes are the server's own (type-only imports: nothing is loaded at run time).
/** @typedef {import('../board.js').BoardAgent} BoardAgent */
/** @typedef {import('../board.js').BoardEvent} BoardEvent */
/** @typedef {import('../board.js').StatusChoice} StatusChoice */
/** @typedef {import('../report-export.js').ReportExport} ReportExport */
/** @typedef {ReturnType<import('../demo-backend.js').DemoBackend['snapshot']>} Snapshot */
/** @typedef {Node | string | null | undefined | false} Child */

/**
 * @type {{ mode: Snapshot['mode'] | null, statuses: StatusChoice[], agents: Map<string, BoardAgent>,
 *   clockOffsetMs: number, webhooksLive: boolean, pending: Map<string, { text?: string, error?: string }>,
 *   exportId: string | null, exports: Map<string, ReportExport> }}
 */
const state = {
  mode: null,
  statuses: [],
  agents: new Map(),
  clockOffsetMs: 0,
  webhooksLive: true,
  pending: new Map(),
  exportId: null,
  exports: new Map(),
};

/**
 * The page's element for `selector`: index.html has every one the script asks for.
 * @param {string} selector
 */
const $ = (selector) => /** @type {HTMLElement} */ (document.querySelector(selector));
/** @param {string} selector */
const $input = (selector) => /** @type {HTMLInputElement} */ ($(selector));
/** @param {string} selector */
const $select = (selector) => /** @type {HTMLSelectElement} */ ($(selector));
/** @param {string} selector */
const $button = (selector) => /** @type {HTMLButtonElement} */ ($(selector));

/**
 * Creates an element with properties and children (strings become text nodes, never HTML).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any>} [props]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'style') node.style.cssText = value;
    else if (key in node) /** @type {Record<string, any>} */ (node)[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/**
 * Calls the server's JSON API: the answer's body (`null` for a 204), or an error with the answer's message.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `${response.status} ${response.statusText}`);
  return data;
}

// ---------------------------------------------------------------- time

/** "Now" on the API's clock: the sandbox's virtual clock, or real time for a real account. */
function apiNow() {
  return Date.now() + state.clockOffsetMs;
}

/** @param {number} totalSeconds */
function formatDuration(totalSeconds) {
  const whole = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const seconds = whole % 60;
  const two = (/** @type {number} */ n) => String(n).padStart(2, '0');
  if (hours > 0) return `${hours}h ${two(minutes)}m ${two(seconds)}s`;
  if (minutes > 0) return `${minutes}m ${two(seconds)}s`;
  return `${seconds}s`;
}

/** @param {number} ms */
function formatClock(ms) {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** @param {string} iso */
function formatTime(iso) {
  return new Date(iso).toISOString().slice(11, 19);
}

function tick() {
  const now = apiNow();
  if (state.mode === 'sandbox') $('#clock-now').textContent = formatClock(now);
  for (const cell of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-since]'))) {
    const seconds = (now - Date.parse(/** @type {string} */ (cell.dataset.since))) / 1000;
    cell.textContent = `${cell.dataset.known === 'true' ? '' : '≥ '}${formatDuration(seconds)}`;
  }
}

/** @param {string} now */
function setClock(now) {
  state.clockOffsetMs = Date.parse(now) - Date.now();
  tick();
}

// ---------------------------------------------------------------- board

/** @param {BoardAgent} agent */
function statusClass(agent) {
  if (agent.availability === 'AVAILABLE') return 'status available';
  if (agent.statusName === 'Unavailable') return 'status unavailable-builtin';
  return 'status';
}

/**
 * @param {string} statusId
 * @param {string} name
 */
function statusLabel(statusId, name) {
  const choice = state.statuses.find((status) => status.id === statusId);
  return choice?.emoji ? `${choice.emoji} ${name}` : name;
}

/** @param {BoardAgent} agent */
function statusSelect(agent) {
  const select = el('select', { 'aria-label': `Change status of ${agent.name}`, dataset: { role: 'status-select' } });
  const keys = new Set();
  for (const status of state.statuses) {
    keys.add(status.key);
    select.append(el('option', { value: status.key }, status.emoji ? `${status.emoji} ${status.name}` : status.name));
  }
  if (!keys.has(agent.statusKey)) select.append(el('option', { value: agent.statusKey }, agent.statusName));
  select.value = agent.statusKey;
  select.addEventListener('change', () => changeStatus(agent.id, select.value, select));
  return select;
}

/** @param {BoardAgent} agent */
function lastChangeCell(agent) {
  const pending = state.pending.get(agent.id);
  if (pending?.error) return el('td', { class: 'last-change error' }, pending.error);
  if (pending) return el('td', { class: 'last-change pending' }, `⏳ ${pending.text}`);
  if (!agent.lastChange) return el('td', { class: 'last-change' }, '–');
  const { actorType, at, source } = agent.lastChange;
  const how = source === 'webhook' ? 'webhook ✓ verified' : 'API answer';
  return el('td', { class: 'last-change' }, `${formatTime(at)} by ${actorType} · ${how}`);
}

/** @param {BoardAgent} agent */
function agentRow(agent) {
  return el(
    'tr',
    { dataset: { agentId: agent.id } },
    el('td', {}, el('span', { class: 'agent-name' }, agent.name), el('span', { class: 'agent-email' }, agent.email)),
    el(
      'td',
      { dataset: { field: 'status' } },
      el('span', { class: statusClass(agent) }, statusLabel(agent.statusId, agent.statusName)),
      el('span', { class: 'availability' }, agent.availability),
    ),
    el('td', { class: 'duration', dataset: { since: agent.since, known: String(agent.sinceKnown) } }),
    el('td', {}, statusSelect(agent)),
    lastChangeCell(agent),
  );
}

function renderBoard() {
  const body = $('#board tbody');
  const agents = [...state.agents.values()].sort((a, b) => a.name.localeCompare(b.name));
  body.replaceChildren(...agents.map(agentRow));
  tick();
}

/**
 * @param {BoardAgent} agent
 * @param {boolean} flash
 */
function renderAgent(agent, flash) {
  state.agents.set(agent.id, agent);
  const row = agentRow(agent);
  const old = document.querySelector(`tr[data-agent-id="${agent.id}"]`);
  if (old) old.replaceWith(row);
  else renderBoard();
  if (flash) row.classList.add('flash');
  tick();
}

/**
 * @param {string} agentId
 * @param {string} statusKey
 * @param {HTMLSelectElement} select
 */
async function changeStatus(agentId, statusKey, select) {
  // Only an agent of the board has a dropdown: it is there.
  const agent = /** @type {BoardAgent} */ (state.agents.get(agentId));
  const choice = state.statuses.find((status) => status.key === statusKey);
  state.pending.set(agentId, { text: `asked for ${choice?.name ?? 'a new status'}; waiting for the webhook…` });
  renderAgent(agent, false);
  try {
    const result = await api('POST', `/api/agents/${agentId}/status`, { statusKey });
    // The line changes when the verified webhook arrives (or, without webhooks, on the server's own update).
    if (result.unchanged || !result.viaWebhook) {
      state.pending.delete(agentId);
      renderAgent(/** @type {BoardAgent} */ (state.agents.get(agentId)), false);
    } else {
      const current = state.pending.get(agentId);
      setTimeout(() => {
        if (state.pending.get(agentId) === current) {
          state.pending.set(agentId, { error: 'No webhook yet: the change was accepted, the event has not arrived.' });
          renderAgent(/** @type {BoardAgent} */ (state.agents.get(agentId)), false);
        }
      }, 10_000);
    }
  } catch (error) {
    state.pending.set(agentId, { error: `Not changed: ${/** @type {Error} */ (error).message}` });
    select.value = agent.statusKey;
    renderAgent(/** @type {BoardAgent} */ (state.agents.get(agentId)), false);
  }
}

// ---------------------------------------------------------------- events log

/** @param {BoardEvent} event */
function eventItem(event) {
  const label =
    event.kind === 'verified'
      ? el('span', { class: 'verified' }, '✓ verified')
      : event.kind === 'refused'
        ? el('span', { class: 'refused' }, '✗ refused')
        : el('span', {}, 'API answer');
  return el('li', {}, el('time', {}, formatTime(event.at)), label, ' ', event.text);
}

/** @param {BoardEvent[]} events */
function renderEvents(events) {
  $('#events').replaceChildren(...events.map(eventItem));
}

// ---------------------------------------------------------------- statuses (sandbox)

function renderStatuses() {
  if (state.mode !== 'sandbox') return;
  const list = $('#status-list');
  const custom = state.statuses.filter((status) => !status.builtIn);
  list.replaceChildren(
    ...custom.map((status) => {
      const name = el('input', { value: status.name, 'aria-label': `Name of ${status.name}` });
      const rename = el('button', { type: 'button', class: 'secondary' }, 'Rename');
      const remove = el('button', { type: 'button', class: 'danger' }, 'Delete');
      rename.addEventListener('click', () =>
        statusAction(() => api('PATCH', `/api/sandbox/statuses/${status.id}`, { name: name.value }), 'Renamed.'),
      );
      remove.addEventListener('click', () =>
        statusAction(() => api('DELETE', `/api/sandbox/statuses/${status.id}`), `Deleted "${status.name}".`),
      );
      return el('li', {}, el('span', { class: 'emoji' }, status.emoji || '·'), name, rename, remove);
    }),
  );
}

/**
 * @param {() => Promise<unknown>} action
 * @param {string} done what the page says when it worked
 */
async function statusAction(action, done) {
  const message = $('#status-message');
  try {
    await action();
    message.textContent = done;
  } catch (error) {
    message.textContent = /** @type {Error} */ (error).message;
  }
}

// ---------------------------------------------------------------- report

/** @type {Record<string, number>} */
const PHASE_STEP = { requesting: 1, 'rate-limited': 1, pending: 2, downloading: 3, completed: 4, failed: 4 };

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

/** @param {number} ms */
function toLocalInput(ms) {
  return new Date(ms).toISOString().slice(0, 16);
}

function reportWindow() {
  const choice = $select('#report-window').value;
  if (choice === 'custom') {
    const start = $input('#report-start').value;
    const end = $input('#report-end').value;
    if (!start || !end) throw new Error('Choose both ends of the window.');
    return { start: new Date(`${start}:00Z`).toISOString(), end: new Date(`${end}:00Z`).toISOString() };
  }
  const end = apiNow();
  let start = end - Number(choice) * 1000;
  // A report reaches at most one calendar month: 30 days is too long from late January or in February.
  while (addCalendarMonth(start) < end) start += 86_400_000;
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

/**
 * One calendar month after `ms` in UTC, the day clamped to the month's length (Jan 31 → Feb 28), as Freshchat counts.
 * @param {number} ms
 */
function addCalendarMonth(ms) {
  const d = new Date(ms);
  const month = d.getUTCMonth() + 1;
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), month + 1, 0)).getUTCDate();
  return Date.UTC(
    d.getUTCFullYear(),
    month,
    Math.min(d.getUTCDate(), lastDay),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  );
}

/** @param {ReportExport} exported */
function renderExport(exported) {
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

/** @param {ReportExport} exported a completed one */
function renderResult(exported) {
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

// ---------------------------------------------------------------- snapshot & stream

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

function connect() {
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

// ---------------------------------------------------------------- controls

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

$('#status-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const name = $input('#status-name').value;
  const emoji = $input('#status-emoji').value;
  statusAction(async () => {
    await api('POST', '/api/sandbox/statuses', { name, emoji });
    $input('#status-name').value = '';
    $input('#status-emoji').value = '';
  }, `Added "${name}".`);
});

$('#report-window').addEventListener('change', () => {
  const custom = $select('#report-window').value === 'custom';
  $('#report-custom').hidden = !custom;
  if (custom && !$input('#report-end').value) {
    const end = apiNow();
    $input('#report-end').value = toLocalInput(end + 60_000);
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

setInterval(tick, 1000);
connect();
