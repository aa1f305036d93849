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
 * A node:http server answering each "METHOD path" of `recorded` with its recorded answer; 404 otherwise.
 * @param {Record<string, RecordedAnswer>} recorded
 */
export function identicalBytesServer(recorded) {
  const answers = new Map(
    Object.entries(recorded).map(([key, a]) => [
      key,
      { status: a.status, headers: a.headers, body: Buffer.from(a.body) },
    ]),
  );
  return http.createServer((req, res) => {
    const answer = answers.get(`${req.method} ${req.url}`);
    req.resume();
    if (!answer) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
    res.end(answer.body);
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
