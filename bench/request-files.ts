/**
 * The sandbox's files one request runs code in, and the functions it calls there, by V8's precise coverage: one
 * `PATCH /v2/agents/{id}` (a real change) and one `GET /v2/agents/status`, through `app.fetch` after a warm-up (so
 * nothing is loaded or compiled on the way). This is the count ARCHITECTURE.md's drawing of a request is checked by.
 *
 * Usage (after a build): npx -y pnpm@10 --filter @freshchat-sandbox/mock-server exec node --import tsx
 * ../../bench/request-files.ts
 */
import { Session } from 'node:inspector/promises';
import { createMockServer } from '../packages/mock-server/dist/index.js';
import { AGENT, LUNCH, MEETING, TOKEN } from './run/settings.js';

type Coverage = { result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[] };

const mock = createMockServer({ limits: { requestsPerMinute: 1e9 } });
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const patch = (id: string) =>
  mock.app.fetch(
    new Request(`http://sandbox.local/v2/agents/${AGENT}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ agent_status: { id } }),
    }),
  );
const get = () => mock.app.fetch(new Request('http://sandbox.local/v2/agents/status', { headers }));

const session = new Session();
session.connect();
await session.post('Profiler.enable');
for (const [name, send] of [
  ['PATCH /v2/agents/{id}', (i: number) => patch(i % 2 ? LUNCH : MEETING)],
  ['GET /v2/agents/status', () => get()],
] as const) {
  for (let i = 0; i < 20; i++) await (await send(i)).text();
  await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
  const response = await send(0);
  await response.text();
  if (response.status !== 200) throw new Error(`${name}: ${response.status}`);
  const { result } = (await session.post('Profiler.takePreciseCoverage')) as Coverage;
  await session.post('Profiler.stopPreciseCoverage');
  const files = result
    .filter((script) => script.url.includes('/mock-server/dist/'))
    .map((script) => ({
      file: script.url.replace(/.*\/mock-server\/dist\//, 'src/').replace(/\.js$/, '.ts'),
      // Arrow functions count too: a listener such as the webhook dispatcher's runs code in its file.
      called: script.functions.filter((f) => (f.ranges[0]?.count ?? 0) > 0).map((f) => f.functionName || '(anonymous)'),
    }))
    .filter((f) => f.called.length > 0);
  process.stdout.write(`${name}: ${files.length} files of the sandbox\n`);
  for (const { file, called } of files) process.stdout.write(`  ${file.padEnd(46)} ${called.join(', ')}\n`);
}
session.disconnect();
mock.close();
