/**
 * A data folder written by the request log (format 2, a committed fixture with a snapshot holding folded status
 * changes and a log after it) is migrated once to domain events, keeping the originals, to the same state.
 */
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { openDurableMockServer } from './durable-mock-server.js';
import type { MockServer } from './mock-server.js';
import { ORIGIN, TOKEN } from './testing/sandbox-harness.js';

const FIXTURE = join(import.meta.dirname, 'testing/fixtures/format-2');
/** What the format-2 sandbox answered, read from it before this change (the reads below, in this order). */
const STATE = JSON.parse(readFileSync(join(import.meta.dirname, 'testing/fixtures/format-2-state.json'), 'utf8'));
const dirs: string[] = [];
const opened: MockServer[] = [];

afterEach(() => {
  for (const mock of opened.splice(0)) mock.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function get(mock: MockServer, path: string, token = TOKEN) {
  const response = await mock.app.fetch(
    new Request(`${ORIGIN}${path}`, { headers: { Authorization: `Bearer ${token}` } }),
  );
  expect(response.status, path).toBe(200);
  return (response.headers.get('content-type') ?? '').includes('json') ? response.json() : response.text();
}

/** The fixture's reads, made again. */
async function reads(mock: MockServer) {
  const state: Record<string, unknown> = { report: STATE.report, subscription: STATE.subscription, token: STATE.token };
  const agents = ((await get(mock, '/v2/agents?items_per_page=50')) as { agents: { id: string }[] }).agents;
  state.agents = agents;
  for (const a of agents) state[`history ${a.id}`] = await get(mock, `/_mock/agents/${a.id}/history`);
  for (const path of [
    '/v2/agents/status',
    '/_mock/statuses',
    '/_mock/account',
    '/_mock/webhooks',
    '/_mock/faults',
    '/_mock/webhooks/public-key',
    '/_mock/clock',
    `/v2/reports/raw/${STATE.report}`,
  ])
    state[path] = await get(mock, path);
  state.other = {
    account: await get(mock, '/_mock/account', STATE.token),
    agents: await get(mock, '/v2/agents', STATE.token),
  };
  return state;
}

it('migrates a format-2 folder once to events, keeping the original files beside the new log, to the same state', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-migration-'));
  dirs.push(dir);
  cpSync(FIXTURE, dir, { recursive: true });
  const onWarning = vi.fn();
  const first = await openDurableMockServer({ dataDir: dir, onWarning });
  opened.push(first);
  expect(onWarning).toHaveBeenCalledTimes(1);
  expect(onWarning.mock.calls[0]?.[0]).toBe(
    `${dir} held a format-2 log (requests); migrated once to format 3 (domain events). The original is kept as ` +
      'sandbox-snapshot.ndjson.v2 and sandbox-log.ndjson.v2.',
  );
  for (const name of ['sandbox-log.ndjson', 'sandbox-snapshot.ndjson']) {
    expect(readFileSync(join(dir, `${name}.v2`), 'utf8')).toBe(readFileSync(join(FIXTURE, name), 'utf8'));
  }
  expect(readdirSync(dir).sort()).toEqual([
    'sandbox-log.ndjson',
    'sandbox-log.ndjson.v2',
    'sandbox-snapshot.ndjson.v2',
    'sandbox.lock',
  ]);
  expect(JSON.parse(readFileSync(join(dir, 'sandbox-log.ndjson'), 'utf8').split('\n')[0] as string)).toEqual({
    type: 'format',
    version: 3,
    generation: 0,
  });
  expect(await reads(first)).toEqual(STATE);
  first.close();
  opened.splice(0);

  // Once: the next start reads the events, says nothing, and finds the same state.
  const second = await openDurableMockServer({ dataDir: dir, onWarning: (m) => expect.fail(m) });
  opened.push(second);
  expect(await reads(second)).toEqual(STATE);
});

it('finishes a migration that a kill cut short once its new log was written, putting the rest of the old files aside', async () => {
  const done = mkdtempSync(join(tmpdir(), 'sandbox-migration-'));
  const cut = mkdtempSync(join(tmpdir(), 'sandbox-migration-'));
  dirs.push(done, cut);
  cpSync(FIXTURE, done, { recursive: true });
  (await openDurableMockServer({ dataDir: done })).close();
  // The kill came after the new log was written and the snapshot put aside, before the old log was.
  cpSync(FIXTURE, cut, { recursive: true });
  renameSync(join(cut, 'sandbox-snapshot.ndjson'), join(cut, 'sandbox-snapshot.ndjson.v2'));
  cpSync(join(done, 'sandbox-log.ndjson'), join(cut, 'sandbox-log.ndjson.v3'));
  const onWarning = vi.fn();
  const mock = await openDurableMockServer({ dataDir: cut, onWarning });
  opened.push(mock);
  expect(onWarning.mock.calls).toEqual([
    [`${cut}: a migration to format 3 was cut short after writing its log; finished it`],
  ]);
  expect(readdirSync(cut).sort()).toEqual([
    'sandbox-log.ndjson',
    'sandbox-log.ndjson.v2',
    'sandbox-snapshot.ndjson.v2',
    'sandbox.lock',
  ]);
  expect(await reads(mock)).toEqual(STATE);
});

it('carries out an old clock advance made with another account’s token, as that version did, before scoped control', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-migration-'));
  dirs.push(dir);
  cpSync(FIXTURE, dir, { recursive: true });
  const log = join(dir, 'sandbox-log.ndjson');
  const last = JSON.parse(readFileSync(log, 'utf8').trim().split('\n').at(-1) as string);
  const advance = {
    type: 'request',
    at: last.at,
    realAt: last.realAt + 1,
    method: 'POST',
    path: '/_mock/clock/advance',
    token: STATE.token,
    contentType: 'application/json',
    body: '{"seconds":60}',
    ids: [],
    op: 'advanceClock',
    frozen: true,
  };
  appendFileSync(log, `${JSON.stringify(advance)}\n`);
  const mock = await openDurableMockServer({ dataDir: dir });
  opened.push(mock);
  const clock = (await get(mock, '/_mock/clock')) as { now: string };
  expect(Date.parse(clock.now)).toBe(Date.parse((STATE['/_mock/clock'] as { now: string }).now) + 60_000);
});
