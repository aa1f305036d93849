/**
 * The data folder holds every token and the link secret: it is made its owner's only, and a start that fails
 * leaves it unlocked for the next one.
 */
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE } from './adapters/data-dir-lock.js';
import { openDurableMockServer } from './durable-mock-server.js';
import { listen } from './listen.js';
import { IDS, ORIGIN, TOKEN } from './testing/sandbox-harness.js';

const parents: string[] = [];
function parent(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-folder-'));
  parents.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of parents.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const mode = (path: string) => statSync(path).mode & 0o777;

describe('the data folder', () => {
  it('is created 0700, and every file in it 0600, compaction snapshots included', async () => {
    const dir = join(parent(), 'data');
    const mock = await openDurableMockServer({ dataDir: dir, compactAt: 1 });
    try {
      const answer = await mock.app.fetch(
        new Request(`${ORIGIN}/_mock/statuses`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: 'Compacted' }),
        }),
      );
      expect(answer.status).toBe(201);
      await new Promise((resolve) => setImmediate(resolve));
      expect(mock.log.compactions).toBeGreaterThan(0);
      expect(mode(dir)).toBe(0o700);
      const files = readdirSync(dir);
      expect(files).toEqual(expect.arrayContaining(['sandbox-log.ndjson', 'sandbox-snapshot.ndjson', LOCK_FILE]));
      for (const file of files) expect(`${file} ${mode(join(dir, file)).toString(8)}`).toBe(`${file} 600`);
    } finally {
      mock.close();
    }
  });

  it('makes the log of an earlier version, readable by all, its owner’s only', async () => {
    const dir = parent();
    (await openDurableMockServer({ dataDir: dir })).close();
    chmodSync(join(dir, 'sandbox-log.ndjson'), 0o644);

    const mock = await openDurableMockServer({ dataDir: dir });
    mock.close();
    expect(mode(join(dir, 'sandbox-log.ndjson'))).toBe(0o600);
  });

  it('is left unlocked by a start that fails after taking the lock (its port in use)', async () => {
    const dir = parent();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      await expect(listen({ port, dataDir: dir })).rejects.toMatchObject({ code: 'EADDRINUSE' });
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    } finally {
      taken.close();
    }
  });

  it('is left unlocked by a start whose replay fails', async () => {
    const dir = parent();
    (await openDurableMockServer({ dataDir: dir })).close();
    // A well-formed status change of an account no token reaches: the replay cannot apply it.
    const realAt = Date.now();
    writeFileSync(
      join(dir, 'sandbox-log.ndjson'),
      `${JSON.stringify({ type: 'request', at: realAt, realAt, method: 'PATCH', path: `/v2/agents/${IDS.john}`, op: 'updateAgentStatus', token: 'no-such-token', contentType: 'application/json', body: '{"availability_status":"UNAVAILABLE"}', ids: [] })}\n`,
      { flag: 'a' },
    );
    await expect(openDurableMockServer({ dataDir: dir })).rejects.toThrow();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('stops at a well-formed line it cannot replay, naming the line; --repair cuts it there, keeping a backup', async () => {
    const dir = parent();
    const first = await openDurableMockServer({ dataDir: dir });
    const created = await first.app.fetch(
      new Request(`${ORIGIN}/_mock/statuses`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Before the bad line' }),
      }),
    );
    expect(created.status).toBe(201);
    first.close();
    const log = join(dir, 'sandbox-log.ndjson');
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
    // Well-formed, but it names an account that does not exist: applying it fails.
    const bad = JSON.stringify({ type: 'events', events: [{ type: 'faultsCleared', app: 'no-such-app' }] });
    writeFileSync(log, `${bad}\n${bad}\n`, { flag: 'a' });
    const whole = readFileSync(log, 'utf8');

    const refused = openDurableMockServer({ dataDir: dir });
    await expect(refused).rejects.toThrow(
      `${log}: line ${lines + 1} cannot be replayed (an event names an account that does not exist (no-such-app)); ` +
        `the sandbox did not start. Start it with --repair to keep a backup of sandbox-log.ndjson and cut it before line ${lines + 1}.`,
    );
    expect(readFileSync(log, 'utf8')).toBe(whole);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);

    const warnings: string[] = [];
    const repaired = await openDurableMockServer({ dataDir: dir, repair: true, onWarning: (m) => warnings.push(m) });
    const statuses = await repaired.app.fetch(
      new Request(`${ORIGIN}/v2/agents/status`, { headers: { Authorization: `Bearer ${TOKEN}` } }),
    );
    expect(((await statuses.json()) as { states: { name: string }[] }).states.map((s) => s.name)).toContain(
      'Before the bad line',
    );
    repaired.close();
    const backups = readdirSync(dir).filter((name) => name.endsWith('.bak'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(dir, backups[0] as string), 'utf8')).toBe(whole);
    expect(mode(join(dir, backups[0] as string))).toBe(0o600);
    expect(warnings).toContainEqual(
      `${log}: line ${lines + 1} could not be replayed; repaired: cut before it (it and every line after it dropped), the whole file is kept as ${backups[0]}`,
    );
    expect(readFileSync(log, 'utf8')).not.toContain('no-such-app');
    // The folder starts again without --repair.
    (await openDurableMockServer({ dataDir: dir })).close();
  });
});
