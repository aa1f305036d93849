/**
 * A data folder on a disk that really fills up: a 2 MiB tmpfs, filled to 94 %, under a few hundred PATCHes from
 * concurrent writers. Every 200 is kept, every refusal is a 503 in Freshchat's shape that changed nothing, reads go
 * on, writes resume once space is freed, and a restart holds exactly the acknowledged changes. Mounting needs root:
 * without it the test is skipped with one line, and under `CI=true` it is required.
 */
import { rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDurableMockServer } from './durable-mock-server.js';
import type { MockServer } from './mock-server.js';
import { IDS, ORIGIN, TOKEN } from './testing/sandbox-harness.js';
import { mountTmpfs, type SmallTmpfs, tmpfsSkipReason } from './testing/small-tmpfs.js';

const noWebhooks = (async () => new Response(null, { status: 204 })) as unknown as typeof fetch;
const AGENTS = [IDS.john, IDS.matt, IDS.sarah, IDS.sebastian];
const TARGETS = [IDS.lunch, IDS.break];
const REFUSAL = {
  code: 503,
  status: 'STORAGE_UNAVAILABLE',
  message: 'the change could not be kept (ENOSPC), so it was not made; retry once the data folder takes writes again',
};

async function call(mock: MockServer, method: string, path: string, body?: unknown) {
  const response = await mock.app.fetch(
    new Request(`${ORIGIN}${path}`, {
      method,
      headers: { Authorization: `Bearer ${TOKEN}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Each agent's whole history, entry by entry as JSON text. */
async function histories(mock: MockServer): Promise<Map<string, string[]>> {
  const read = new Map<string, string[]>();
  for (const agent of AGENTS) {
    const answer = await call(mock, 'GET', `/_mock/agents/${agent}/history`);
    expect(answer.status).toBe(200);
    read.set(
      agent,
      (answer.body.history as unknown[]).map((entry) => JSON.stringify(entry)),
    );
  }
  return read;
}

const statusesOf = (history: string[]) => history.map((e) => (JSON.parse(e) as { to: { id: string } }).to.id);

describe.skipIf(tmpfsSkipReason())('a data folder on a real full disk (a 2 MiB tmpfs)', () => {
  let disk: SmallTmpfs | undefined;
  let mock: MockServer | undefined;
  afterEach(() => {
    mock?.close();
    mock = undefined;
    disk?.unmount();
    disk = undefined;
  });

  it.each(['never', 'always'] as const)(
    '--fsync %s: every 200 kept, every 503 in Freshchat’s shape and applied nowhere, reads served, writes resumed after space is freed, exactly the acknowledged changes after a restart',
    async (fsync) => {
      disk = mountTmpfs(2 * 2 ** 20);
      const dataDir = join(disk.dir, 'data');
      const options = { dataDir, fsync, webhooks: { fetch: noWebhooks } };
      mock = await openDurableMockServer(options);
      const seeded = await histories(mock);

      // Fill the disk to 94 %.
      const { blocks, bsize, bavail } = statfsSync(disk.dir);
      const filler = join(disk.dir, 'filler');
      writeFileSync(filler, Buffer.alloc(bavail * bsize - Math.round(blocks * bsize * 0.06)));
      const used = 1 - statfsSync(disk.dir).bavail / blocks;
      expect(used).toBeGreaterThan(0.93);
      expect(used).toBeLessThan(0.95);

      // Per agent, the statuses its acknowledged changes set, in order.
      const acknowledged = new Map<string, string[]>(AGENTS.map((agent) => [agent, []]));
      let refused = 0;
      const writer = async (agent: string, count: number) => {
        const mine = acknowledged.get(agent) as string[];
        for (let i = 0; i < count; i++) {
          // A real change each time, from the last acknowledged status: a refused one that had been applied anyway
          // would make the next a no-change, and show in the history.
          const target = mine.at(-1) === TARGETS[0] ? (TARGETS[1] as string) : (TARGETS[0] as string);
          const answer = await call(mock as MockServer, 'PATCH', `/v2/agents/${agent}`, {
            agent_status: { id: target },
          });
          if (answer.status === 200) mine.push(target);
          else {
            expect(answer).toEqual({ status: 503, body: REFUSAL });
            refused++;
            // Reads go on while the disk is full.
            expect((await call(mock as MockServer, 'GET', `/v2/agents/${agent}`)).status).toBe(200);
          }
        }
      };
      await Promise.all(AGENTS.map((agent) => writer(agent, 150)));
      const whileFull = [...acknowledged.values()].reduce((n, l) => n + l.length, 0);
      expect(whileFull, 'some changes fit before the disk filled').toBeGreaterThan(50);
      expect(refused, 'the disk filled up').toBeGreaterThan(50);
      const expected = (history: Map<string, string[]>) => {
        for (const agent of AGENTS) {
          const seed = seeded.get(agent) as string[];
          expect((history.get(agent) as string[]).slice(0, seed.length), agent).toEqual(seed);
          expect(statusesOf((history.get(agent) as string[]).slice(seed.length)), agent).toEqual(
            acknowledged.get(agent),
          );
        }
      };
      expected(await histories(mock));

      // Space returns: writes resume, every one of them.
      rmSync(filler);
      const before = refused;
      await Promise.all(AGENTS.map((agent) => writer(agent, 25)));
      expect(refused).toBe(before);
      const kept = await histories(mock);
      expected(kept);

      // A restart holds exactly the acknowledged changes, byte for byte.
      mock.close();
      mock = await openDurableMockServer({ ...options, onWarning: (m) => expect.fail(m) });
      expect(await histories(mock)).toEqual(kept);
      console.info(
        `--fsync ${fsync}: ${whileFull} changes kept and ${refused} refused on the full disk, ` +
          `${AGENTS.length * 25} kept after freeing space; all ${whileFull + AGENTS.length * 25} there after a restart`,
      );
    },
  );
});
