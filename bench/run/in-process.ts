import { Bench } from 'tinybench';
import { createFreshchatClient } from '../../packages/client/dist/index.js';
import { createMockServer } from '../../packages/mock-server/dist/index.js';
import { quick, TOKEN } from './settings.js';

/** The median microseconds of one `client.GET('/agents/status')` through `app.fetch` (tinybench). */
export async function measureInProcessMedianUs(): Promise<number> {
  const mock = createMockServer({ limits: { requestsPerMinute: 1e9 } });
  const client = createFreshchatClient({
    baseUrl: 'http://sandbox.local/v2',
    token: TOKEN,
    fetch: (req: Request) => mock.app.fetch(req),
  });
  const bench = new Bench({ time: quick ? 500 : 2000, warmupTime: 300 });
  bench.add('client.GET /agents/status via app.fetch', async () => {
    const { data } = await client.GET('/agents/status');
    if (!data) throw new Error('no data');
  });
  await bench.run();
  const task = bench.tasks[0];
  const inProcessMedianUs =
    ((task?.result as { latency?: { p50?: number } } | undefined)?.latency?.p50 ?? Number.NaN) * 1000;
  mock.close();
  return inProcessMedianUs;
}
