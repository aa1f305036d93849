// @ts-check
// The inspector's page: one account, followed live through GET /_mock/inspector/events. The token comes from the
// field or from `#token=…` (a fragment never reaches the server's logs).
import { call, follow } from './feed.js';
import { el, renderFaults, renderReports, renderRequests, renderWebhooks, replaceItems, time } from './sections.js';
import { statusColour, timelineSvg } from './timeline.js';

/** @typedef {import('./types.js').Snapshot} Snapshot */
/** @typedef {import('./types.js').HistoryEntry} HistoryEntry */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const tokenInput = /** @type {HTMLInputElement} */ ($('token'));

let token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
/** @type {Snapshot | undefined} */
let snapshot;
let receivedAt = 0;
/** @type {AbortController | undefined} */
let following;
/** @type {Map<string, HistoryEntry[]>} */
const histories = new Map();
let historyKey = '';
/** @type {Map<string, { href: string, from: string }[]>} */
const reportLinks = new Map();

/** The clock's time now: a running clock moves on with real time between snapshots. */
function clockNow() {
  if (!snapshot) return Date.now();
  const at = Date.parse(snapshot.clock.now);
  return snapshot.clock.frozen ? at : at + (Date.now() - receivedAt);
}

function connect() {
  following?.abort();
  if (!token) {
    $('connection').textContent = 'enter a token';
    return;
  }
  tokenInput.value = token;
  following = new AbortController();
  follow(token, following.signal, onSnapshot, (state) => ($('connection').textContent = state));
}

/** @param {Snapshot} next */
function onSnapshot(next) {
  snapshot = next;
  receivedAt = Date.now();
  render();
  // Histories are read again only when an agent's status changed, not on every snapshot (reading them is a
  // request, which would make a new snapshot).
  const key = next.agents.map((a) => `${a.id}:${a.agent_status.id}`).join();
  if (key !== historyKey) {
    historyKey = key;
    void loadHistories(next);
  }
}

/** @param {Snapshot} from */
async function loadHistories(from) {
  await Promise.all(
    from.agents.map(async (agent) => {
      const body = await call(token, `/_mock/agents/${agent.id}/history`);
      histories.set(agent.id, body.history);
    }),
  );
  renderAgents();
}

function render() {
  if (!snapshot) return;
  renderClock();
  renderAgents();
  renderRequests($('request-list'), snapshot.requests);
  renderWebhooks($('subscription-list'), $('delivery-list'), snapshot);
  renderReports($('report-list'), snapshot.reports, reportLinks);
  renderFaults($('fault-list'), snapshot.faults);
}

function renderClock() {
  if (!snapshot) return;
  $('clock-now').textContent = time(new Date(clockNow()).toISOString());
  $('clock-mode').textContent = snapshot.clock.frozen ? '(frozen)' : '(following real time)';
  $('clock-freeze').textContent = snapshot.clock.frozen ? 'Unfreeze' : 'Freeze';
}

function renderAgents() {
  if (!snapshot) return;
  const to = clockNow();
  const chosen = /** @type {HTMLSelectElement} */ ($('timeline-window')).value;
  // The whole history starts at the earliest change of any agent, so every bar shares one time axis.
  const earliest = Math.min(to - 60_000, ...[...histories.values()].map((h) => (h[0] ? Date.parse(h[0].at) : to)));
  const from = chosen === 'all' ? earliest : to - Number(chosen) * 1000;
  $('timeline-span').textContent = `${time(new Date(from).toISOString())} → ${time(new Date(to).toISOString())}`;
  const items = snapshot.agents.map((agent) => {
    const name = `${agent.first_name} ${agent.last_name}`;
    const history = histories.get(agent.id) ?? [];
    const seen = new Map(history.map((h) => [h.to.id, h.to.name]));
    const login = agent.login_status === undefined ? '' : agent.login_status ? ' · logged in' : ' · logged out';
    return el(
      'li',
      { 'data-agent-id': agent.id },
      el('strong', {}, name),
      ' ',
      el('span', { 'data-field': 'status' }, agent.agent_status.name),
      el('span', { class: 'muted' }, ` · ${agent.availability_status}${login}`),
      timelineSvg(name, history, from, to),
      el(
        'div',
        { class: 'legend' },
        ...[...seen].map(([id, label]) =>
          el('span', {}, el('span', { class: 'swatch', style: `background:${statusColour(id, label)}` }), label),
        ),
      ),
    );
  });
  replaceItems($('agent-list'), items);
}

/**
 * Runs a control call from a control, showing its error beside it.
 * @param {string} messageId
 * @param {() => Promise<unknown>} action
 */
async function act(messageId, action) {
  const message = messageId ? $(messageId) : undefined;
  if (message) message.textContent = '';
  try {
    await action();
  } catch (error) {
    if (message) message.textContent = String(/** @type {Error} */ (error).message);
  }
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  token = tokenInput.value.trim();
  history.replaceState(null, '', `#token=${encodeURIComponent(token)}`);
  connect();
});
for (const button of document.querySelectorAll('[data-advance]')) {
  button.addEventListener('click', () =>
    act('clock-message', () =>
      call(token, '/_mock/clock/advance', {
        method: 'POST',
        body: { seconds: Number(/** @type {HTMLElement} */ (button).dataset.advance) },
      }),
    ),
  );
}
$('clock-freeze').addEventListener('click', () =>
  act('clock-message', () =>
    call(token, '/_mock/clock', { method: 'POST', body: { frozen: !snapshot?.clock.frozen } }),
  ),
);
$('clock-set').addEventListener('submit', (event) => {
  event.preventDefault();
  const at = /** @type {HTMLInputElement} */ ($('clock-set-at')).value.trim();
  act('clock-message', () => call(token, '/_mock/clock', { method: 'POST', body: { now: at } }));
});
$('timeline-window').addEventListener('change', renderAgents);
document.addEventListener('toggle-details', render);
document.addEventListener('click', (event) => {
  const target = /** @type {HTMLElement} */ (event.target);
  const resend = target.dataset?.resend;
  if (resend) act('', () => call(token, `/_mock/webhooks/deliveries/${resend}/resend`, { method: 'POST' }));
  const fault = target.dataset?.removeFault;
  if (fault) act('fault-message', () => call(token, `/_mock/faults/${fault}`, { method: 'DELETE' }));
  const job = target.dataset?.links;
  if (job) void showLinks(job);
});

/** @param {string} jobId */
async function showLinks(jobId) {
  const { reports } = await call(token, '/_mock/reports');
  for (const r of reports)
    if (r.links.length)
      reportLinks.set(
        r.id,
        r.links.map((/** @type {any} */ l) => ({ href: l.link.href, from: l.from })),
      );
  if (snapshot) renderReports($('report-list'), snapshot.reports, reportLinks);
  /** @type {HTMLElement | null} */ (document.querySelector(`[data-report="${jobId}"] a`))?.focus();
}

$('fault-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(/** @type {HTMLFormElement} */ (event.target));
  const type = String(form.get('type'));
  /** @type {Record<string, unknown>} */
  const body = { type, count: Number(form.get('count')) };
  if (type !== 'report_failure' && form.get('operation')) body.operation = form.get('operation');
  if (type === 'latency') body.ms = Number(form.get('ms'));
  if (type === 'error') body.status = Number(form.get('status'));
  act('fault-message', () => call(token, '/_mock/faults', { method: 'POST', body }));
});
$('fault-clear').addEventListener('click', () =>
  act('fault-message', () => call(token, '/_mock/faults', { method: 'DELETE' })),
);

setInterval(() => {
  if (snapshot && !snapshot.clock.frozen) renderClock();
}, 1000);

connect();
