// The in-process call: the median time of one `client.GET('/agents/status')` through the sandbox's `app.fetch`
// (tinybench). Plain JavaScript over the build, so that Node 22 and later run it as it is; inside this repository the
// build still reaches the workspace's TypeScript (@freshchat-sandbox/openapi's field-path), which Node 20 cannot load
// alone, so on Node 20 the bench imports it under tsx.
// As a module: measureInProcessCall. As a command: node in-process-call.mjs [--quick], which prints
// {"node":"v24.x","medianUs":12.9}.
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { createFreshchatClient } from '../packages/client/dist/index.js';
import { createMockServer } from '../packages/mock-server/dist/index.js';

/**
 * The median microseconds of one `client.GET('/agents/status')` through `app.fetch`, on the Node running this.
 * @param {{ quick?: boolean }} [options] shorter runs, for a look rather than a figure
 * @returns {Promise<number>}
 */
export async function measureInProcessCall({ quick = false } = {}) {
  const mock = createMockServer({ limits: { requestsPerMinute: 1e9 } });
  const client = createFreshchatClient({
    baseUrl: 'http://sandbox.local/v2',
    token: 'sandbox-token',
    fetch: (/** @type {Request} */ req) => mock.app.fetch(req),
  });
  const bench = new Bench({ time: quick ? 500 : 2000, warmupTime: 300 });
  bench.add('client.GET /agents/status via app.fetch', async () => {
    const { data } = await client.GET('/agents/status');
    if (!data) throw new Error('no data');
  });
  await bench.run();
  const result = /** @type {{ latency?: { p50?: number } } | undefined} */ (
    /** @type {unknown} */ (bench.tasks[0]?.result)
  );
  mock.close();
  return (result?.latency?.p50 ?? Number.NaN) * 1000;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const medianUs = await measureInProcessCall({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${JSON.stringify({ node: process.version, medianUs })}\n`);
}
