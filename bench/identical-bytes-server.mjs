// The physical limit: plain node:http answering the exact bytes (status, headers, body) the mock answered.
// Usage: node identical-bytes-server.mjs <port> <recorded.json>, where recorded.json maps "METHOD path" to an answer.
import { readFileSync } from 'node:fs';
import http from 'node:http';

const [port, file] = process.argv.slice(2);
const recorded = JSON.parse(readFileSync(file, 'utf8'));
const answers = new Map(
  Object.entries(recorded).map(([key, a]) => [
    key,
    { status: a.status, headers: a.headers, body: Buffer.from(a.body) },
  ]),
);
http
  .createServer((req, res) => {
    const answer = answers.get(`${req.method} ${req.url}`);
    req.resume();
    if (!answer) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
    res.end(answer.body);
  })
  .listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
