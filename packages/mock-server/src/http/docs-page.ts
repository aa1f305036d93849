import { freshchatDocument, mockControlDocument } from '../generated/documents.js';

type DocOperation = {
  operationId?: string;
  summary?: string;
  description?: string;
  responses?: Record<string, unknown>;
};
type Doc = { info?: { title?: string; description?: string }; paths?: Record<string, Record<string, DocOperation>> };

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] as string);

function section(doc: Doc, prefix: string, file: string): string {
  const rows: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!op?.operationId) continue;
      const statuses = Object.keys(op.responses ?? {}).join(' ');
      rows.push(
        `<tr id="${escapeHtml(op.operationId)}"><td><code class="m ${method}">${method.toUpperCase()}</code></td>` +
          `<td><code>${escapeHtml(prefix + path)}</code></td><td><b>${escapeHtml(op.summary ?? '')}</b>` +
          `<div class="d">${escapeHtml(op.description ?? '')}</div><div class="s">operationId <code>${escapeHtml(op.operationId)}</code> · answers ${escapeHtml(statuses)}</div></td></tr>`,
      );
    }
  }
  return `<h2>${escapeHtml(doc.info?.title ?? file)} <a href="/${file}">${file}</a></h2><p class="d">${escapeHtml(doc.info?.description ?? '')}</p><table>${rows.join('')}</table>`;
}

/**
 * The API reference page at `/docs`: every operation of both documents, rendered on the server from the documents
 * themselves, with no script and nothing fetched from elsewhere (the sandbox runs offline).
 */
export function docsPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Freshchat sandbox API reference</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1d2733}
table{border-collapse:collapse;width:100%}td{border-top:1px solid #dde3ea;padding:.5rem;vertical-align:top}
.d{white-space:pre-wrap;color:#4a5868;font-size:14px}.s{color:#6b7a8c;font-size:13px}.m{font-weight:600}
.get{color:#1a7f37}.post{color:#0969da}.patch{color:#9a6700}.delete{color:#cf222e}</style></head><body>
<h1>Freshchat agent-status sandbox</h1><p>The public API is served under <code>/v2</code>; the control API under <code>/_mock</code>. Every request needs <code>Authorization: Bearer sandbox-token</code> (or another account's token).</p>
${section(freshchatDocument as Doc, '/v2', 'openapi.yaml')}${section(mockControlDocument as Doc, '', 'mock-control.yaml')}</body></html>`;
}
