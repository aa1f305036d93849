// The framework's own ceiling: a bare Hono app, served by @hono/node-server as the sandbox is, answering the exact
// bytes the sandbox answered and reading a request's body first, as any handler of a write must. What it loses to
// node:http answering the same bytes is Hono's share, which the sandbox pays before doing any of its own work.
// As a module: bareHonoApp. As a command: node bare-hono-server.mjs <port> <recorded.json> (see
// identical-bytes-server.mjs for recorded.json).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * A Hono app answering each "METHOD path" of `recorded` with its recorded answer; Hono's 404 otherwise.
 * @param {Record<string, import('./identical-bytes-server.mjs').RecordedAnswer>} recorded
 */
export function bareHonoApp(recorded) {
  const app = new Hono();
  for (const [key, { status, headers, body }] of Object.entries(recorded)) {
    const [method = 'GET', path = '/'] = key.split(' ');
    const answer = () => new Response(body, { status, headers });
    // A GET is answered synchronously, as the sandbox answers it; a write waits for its body.
    const afterBody = async (/** @type {import('hono').Context} */ c) => {
      await c.req.text();
      return answer();
    };
    app.on(method, path, method === 'GET' ? answer : afterBody);
  }
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [port, file] = process.argv.slice(2);
  if (!port || !file) {
    process.stderr.write('usage: node bare-hono-server.mjs <port> <recorded.json>\n');
    process.exit(2);
  }
  const app = bareHonoApp(JSON.parse(readFileSync(file, 'utf8')));
  serve({ fetch: app.fetch, port: Number(port), hostname: '127.0.0.1' }, () => process.stdout.write('ready\n'));
}
