// @ts-check
// The board's lines, one per agent, and changing an agent's status from its dropdown.

import { api } from './api.js';
import { tick } from './clock.js';
import { $, el } from './dom.js';
import { formatTime } from './format.js';
import { state } from './state.js';

/** @typedef {import('../../board.js').BoardAgent} BoardAgent */

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

/** Draws every agent's line, sorted by name. */
export function renderBoard() {
  const body = $('#board tbody');
  const agents = [...state.agents.values()].sort((a, b) => a.name.localeCompare(b.name));
  body.replaceChildren(...agents.map(agentRow));
  tick();
}

/**
 * Takes in an agent's new line and redraws it (the whole board when the agent is new), flashing it if asked.
 * @param {BoardAgent} agent
 * @param {boolean} flash
 */
export function renderAgent(agent, flash) {
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
