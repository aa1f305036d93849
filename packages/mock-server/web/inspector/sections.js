// @ts-check
// Rendering each section from a snapshot. The DOM is built with textContent only: bodies and names are shown, never
// interpreted. Lists are rebuilt on each snapshot; what was open and what had the focus are kept by key.

/** @typedef {import('./types.js').Snapshot} Snapshot */

/**
 * Makes an element.
 * @param {string} tag
 * @param {Record<string, string>} [attrs]
 * @param {(Node | string)[]} children
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** Keys of the rows whose details are open. */
export const open = new Set();

/**
 * Replaces a list's items, keeping the focus on the element with the same `data-key`.
 * @param {HTMLElement} list
 * @param {HTMLElement[]} items
 */
export function replaceItems(list, items) {
  const focused = /** @type {HTMLElement | null} */ (document.activeElement)?.dataset?.key;
  list.replaceChildren(...items);
  if (focused) /** @type {HTMLElement | null} */ (list.querySelector(`[data-key="${CSS.escape(focused)}"]`))?.focus();
}

/**
 * A row that opens its details on click, Enter or Space (it is a button).
 * @param {string} key
 * @param {(Node | string)[]} summary
 * @param {() => Node[]} details
 */
function expandable(key, summary, details) {
  const isOpen = open.has(key);
  const button = el(
    'button',
    { type: 'button', class: 'row', 'data-key': key, 'aria-expanded': String(isOpen) },
    ...summary,
  );
  button.addEventListener('click', () => {
    if (open.has(key)) open.delete(key);
    else open.add(key);
    button.dispatchEvent(new CustomEvent('toggle-details', { bubbles: true }));
  });
  return el('li', {}, button, ...(isOpen ? details() : []));
}

/** @param {string | undefined} text */
function pretty(text) {
  if (text === undefined) return '(none)';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** @param {number} status */
const statusClass = (status) => (status >= 200 && status < 400 ? 'status-ok' : 'status-bad');

/** @param {string} iso */
export const time = (iso) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

/**
 * The journal, newest first.
 * @param {HTMLElement} list
 * @param {Snapshot['requests']} requests
 */
export function renderRequests(list, requests) {
  const items = [...requests]
    .reverse()
    .map((r) =>
      expandable(
        `req-${r.id}`,
        [
          el('span', { class: 'method' }, r.method),
          el('span', {}, r.path),
          el('span', { class: statusClass(r.status) }, String(r.status)),
          el('span', { class: 'muted' }, `${r.duration_ms.toFixed(1)} ms · ${time(r.at)}`),
        ],
        () => [
          el('h3', { class: 'muted' }, 'Request body'),
          el('pre', {}, pretty(r.request_body)),
          el('h3', { class: 'muted' }, 'Response body'),
          el('pre', {}, pretty(r.response_body)),
        ],
      ),
    );
  replaceItems(list, items);
}

/**
 * Subscriptions and every delivery attempt, newest first, each with a Resend button.
 * @param {HTMLElement} subscriptions
 * @param {HTMLElement} list
 * @param {Snapshot} snapshot
 */
export function renderWebhooks(subscriptions, list, snapshot) {
  replaceItems(
    subscriptions,
    snapshot.subscriptions.length === 0
      ? [el('li', { class: 'muted' }, 'No subscriptions (POST /_mock/webhooks {url}).')]
      : snapshot.subscriptions.map((s) => el('li', {}, `Subscribed: ${s.url}`)),
  );
  const items = [...snapshot.deliveries].reverse().map((d) => {
    const outcome =
      d.response_status !== undefined ? `${d.outcome} (${d.response_status})` : `${d.outcome} (${d.error ?? ''})`;
    const item = expandable(
      `del-${d.id}`,
      [
        el('span', { class: d.outcome === 'delivered' ? 'status-ok' : 'status-bad' }, outcome),
        el('span', {}, `${d.action} → ${d.url}`),
        el(
          'span',
          { class: 'muted' },
          `attempt ${d.retry_count + 1}${d.resend ? ' (resend)' : ''} · ${time(d.attempted_at)}`,
        ),
        el(
          'span',
          { class: 'muted' },
          d.next_attempt_at ? `next retry ${time(d.next_attempt_at)}` : 'no retry pending',
        ),
      ],
      () => [
        el('h3', { class: 'muted' }, 'Headers'),
        el(
          'pre',
          {},
          Object.entries(d.request_headers ?? {})
            .map(([k, v]) => `${k}: ${v}`)
            .join('\n'),
        ),
        el('h3', { class: 'muted' }, 'Payload'),
        el('pre', {}, pretty(d.body)),
      ],
    );
    item.append(
      el(
        'button',
        {
          type: 'button',
          'data-resend': d.id,
          'data-key': `resend-${d.id}`,
          'aria-label': `Resend ${d.action} event (attempt ${d.retry_count + 1})`,
        },
        'Resend',
      ),
    );
    return item;
  });
  replaceItems(list, items.length ? items : [el('li', { class: 'muted' }, 'No deliveries yet.')]);
}

/**
 * Report jobs, newest first; a completed one offers its download links.
 * @param {HTMLElement} list
 * @param {Snapshot['reports']} reports
 * @param {Map<string, { href: string, from: string }[]>} links signed links fetched for completed jobs
 */
export function renderReports(list, reports, links) {
  const items = [...reports].reverse().map((job) => {
    const item = el(
      'li',
      { 'data-report': job.id },
      el('strong', { 'data-field': 'status' }, job.status),
      ` ${job.event} · ${time(job.start)} – ${time(job.end)} `,
      el(
        'span',
        { class: 'muted' },
        job.status === 'PENDING' ? `completes at ${time(job.completes_at)}` : `done at ${time(job.completes_at)}`,
      ),
    );
    const parts = links.get(job.id);
    if (parts) {
      item.append(
        el(
          'ul',
          {},
          ...parts.map((p, i) =>
            el('li', {}, el('a', { href: p.href, download: '' }, `Download part ${i + 1} (${time(p.from)})`)),
          ),
        ),
      );
    } else if (job.status === 'COMPLETED') {
      item.append(
        ' ',
        el('button', { type: 'button', 'data-links': job.id, 'data-key': `links-${job.id}` }, 'Show download links'),
      );
    }
    return item;
  });
  replaceItems(list, items.length ? items : [el('li', { class: 'muted' }, 'No report jobs (POST /v2/reports/raw).')]);
}

/**
 * The active faults, each with a Remove button.
 * @param {HTMLElement} list
 * @param {Snapshot['faults']} faults
 */
export function renderFaults(list, faults) {
  const items = faults.map((f) => {
    const what = [
      f.type,
      f.operation ?? 'every operation',
      f.ms ? `${f.ms} ms` : '',
      f.status ? String(f.status) : '',
      f.remaining === null ? 'until removed' : `${f.remaining} more`,
    ]
      .filter(Boolean)
      .join(' · ');
    return el(
      'li',
      {},
      what,
      ' ',
      el(
        'button',
        {
          type: 'button',
          'data-remove-fault': f.id,
          'data-key': `fault-${f.id}`,
          'aria-label': `Remove fault ${what}`,
        },
        'Remove',
      ),
    );
  });
  replaceItems(list, items.length ? items : [el('li', { class: 'muted' }, 'No active faults.')]);
}
