// @ts-check
// The custom statuses card (sandbox only): the list with rename and delete, and the form that adds one.

import { api } from './api.js';
import { $, $input, el } from './dom.js';
import { state } from './state.js';

/** Draws the custom statuses with their rename and delete buttons (sandbox only). */
export function renderStatuses() {
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

/** Makes the form under the list add a status. */
export function bindStatusForm() {
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
}
