// @ts-check
// An agent's status periods over a window, drawn as one SVG bar: a rectangle per period, coloured by status.

/** @typedef {import('./types.js').HistoryEntry} HistoryEntry */

const SVG = 'http://www.w3.org/2000/svg';

/**
 * A stable colour per status: green for "Active on IntelliAssign", grey for "Unavailable" (known by their names: each
 * account gives the two built-in statuses ids of its own, and no other status may take their names), a hue from the
 * id else.
 * @param {string} id
 * @param {string} name
 */
export function statusColour(id, name) {
  if (name === 'Active on IntelliAssign') return '#2da44e';
  if (name === 'Unavailable') return '#8c959f';
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360} 65% 50%)`;
}

/**
 * The periods of `history` inside [from, to]: each entry lasts until the next one, the last until `to`.
 * @param {HistoryEntry[]} history oldest first
 * @param {number} from epoch ms
 * @param {number} to epoch ms
 */
export function periods(history, from, to) {
  /** @type {{ id: string, name: string, start: number, end: number }[]} */
  const out = [];
  history.forEach((entry, i) => {
    const next = history[i + 1];
    const start = Math.max(Date.parse(entry.at), from);
    const end = Math.min(next ? Date.parse(next.at) : to, to);
    // The current period shows even when it has only just begun (a frozen clock has not moved since).
    if (end > start || (!next && end === start && start > from))
      out.push({ id: entry.to.id, name: entry.to.name, start, end });
  });
  return out;
}

/**
 * Draws the timeline of one agent into a new SVG element, labelled for screen readers.
 * @param {string} agentName
 * @param {HistoryEntry[]} history
 * @param {number} from
 * @param {number} to
 */
export function timelineSvg(agentName, history, from, to) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'timeline');
  svg.setAttribute('viewBox', '0 0 1000 28');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  const shown = periods(history, from, to);
  const describe = shown.map((p) => `${p.name} ${minutes(p.end - p.start)}`).join(', ');
  svg.setAttribute('aria-label', `${agentName}'s statuses: ${describe || 'no history in this window'}`);
  const span = to - from;
  for (const p of shown) {
    const rect = document.createElementNS(SVG, 'rect');
    rect.setAttribute('x', String(((p.start - from) / span) * 1000));
    rect.setAttribute('width', String(Math.max(((p.end - p.start) / span) * 1000, 1)));
    rect.setAttribute('y', '2');
    rect.setAttribute('height', '24');
    rect.setAttribute('fill', statusColour(p.id, p.name));
    rect.dataset.status = p.name;
    const title = document.createElementNS(SVG, 'title');
    title.textContent = `${p.name}: ${new Date(p.start).toISOString()} – ${new Date(p.end).toISOString()}`;
    rect.append(title);
    svg.append(rect);
  }
  return svg;
}

/** @param {number} ms */
function minutes(ms) {
  const m = Math.round(ms / 60000);
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`;
}
