// The physical limit: plain node:http answering the exact bytes (status, headers, body) the mock answered.
// As a module: recordAnswer and identicalBytesServer. As a command: node identical-bytes-server.mjs <port>
// <recorded.json>, where recorded.json maps "METHOD path" to a recorded answer.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

/** Headers Node sets itself for each answer or connection, so they are not part of what is replayed. */
const SET_BY_NODE = ['content-length', 'date', 'connection', 'keep-alive'];

/** @typedef {{ status: number; headers: Record<string, string>; body: string }} RecordedAnswer */

/**
 * A fetch Response as the baseline replays it: status, the headers the sandbox chose, and the body.
 * @param {Response} response
 * @returns {Promise<RecordedAnswer>}
 */
export async function recordAnswer(response) {
  /** @type {Record<string, string>} */
  const headers = {};
  response.headers.forEach((value, name) => {
    if (!SET_BY_NODE.includes(name)) headers[name] = value;
  });
  return { status: response.status, headers, body: await response.text() };
}

/**
 * A node:http server answering each "METHOD path" of `recorded` with its recorded answer; 404 otherwise. It answers
 * without waiting for a request's body; with `readBody`, it first reads the whole body and parses it as JSON, the
 * least that any server doing a write must do (`bench:cost` shows it beside the PATCH).
 * @param {Record<string, RecordedAnswer>} recorded
 * @param {{ readBody?: boolean }} [options]
 */
export function identicalBytesServer(recorded, options = {}) {
  const answers = new Map(
    Object.entries(recorded).map(([key, a]) => [
      key,
      { status: a.status, headers: a.headers, body: Buffer.from(a.body) },
    ]),
  );
  return http.createServer((req, res) => {
    const answer = answers.get(`${req.method} ${req.url}`);
    if (!answer) {
      req.resume();
      res.writeHead(404).end();
      return;
    }
    const send = () => {
      res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
      res.end(answer.body);
    };
    if (!options.readBody) {
      req.resume();
      send();
      return;
    }
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      if (chunks.length > 0) JSON.parse(Buffer.concat(chunks).toString('utf8'));
      send();
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [port, file] = process.argv.slice(2);
  if (!port || !file) {
    process.stderr.write('usage: node identical-bytes-server.mjs <port> <recorded.json>\n');
    process.exit(2);
  }
  identicalBytesServer(JSON.parse(readFileSync(file, 'utf8'))).listen(Number(port), '127.0.0.1', () =>
    process.stdout.write('ready\n'),
  );
}
