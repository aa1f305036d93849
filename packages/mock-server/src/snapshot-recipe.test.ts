import { createFreshchatClient, downloadReport, requestReport, waitForReport } from '@freshchat-sandbox/client';
import { expect, test } from 'vitest';
import { createMockServer } from './index.js';

// docs/deterministic-tests.md's recipe, as written there: a report snapshot that repeats on every run.
test('the agent report of a scripted morning', async () => {
  const mock = createMockServer({ frozenClock: true, clockStart: '2030-01-01T09:00:00Z', idSeed: 1 });
  const fetch = (req: Request) => mock.app.fetch(req);
  const client = createFreshchatClient({ baseUrl: 'http://sandbox.local/v2', token: 'sandbox-token', fetch });
  await client.PATCH('/agents/{agent_id}', {
    params: { path: { agent_id: 'afd5102c-5443-4fe3-a069-4fe25189a0a1' } },
    body: { agent_status: { id: 'ea0ab820-e97c-47f5-8443-7bd362adc393' } }, // Meeting
  });
  mock.clock.advance(45 * 60);
  const { id } = await requestReport(client, {
    start: '2030-01-01T00:00:00Z',
    end: '2030-01-01T09:45:00Z', // no later than the clock's now
    event: 'Agent-IntelliAssign-Activity',
    format: 'csv',
  });
  // Each poll moves the frozen clock instead of waiting.
  const report = await waitForReport(client, id, { sleep: async (ms) => void mock.clock.advance(ms / 1000) });
  const { rows } = await downloadReport(report, { event: 'Agent-IntelliAssign-Activity', fetch });
  expect(rows).toMatchSnapshot(); // exact seconds and times, on every run and machine
  // The seeded id repeats too.
  expect(id).toBe('95b3220e-523a-4061-bf13-0e00cdfa0e2c');
  mock.close();
});
