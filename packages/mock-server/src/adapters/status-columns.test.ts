/**
 * Status changes read and kept as columns: a log's `statusChanged` lines come back from a restart as the same
 * changes (gathered into runs), a compaction writes them as `statusColumns` lines that come back the same again, and
 * a damaged columns line stops the start.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventBatch } from '../domain/events/event-sink.js';
import type { SandboxEvent } from '../domain/events/sandbox-event.js';
import { DataDirError } from './data-dir-lock.js';
import { DurableLog } from './durable-log.js';

const dirs: string[] = [];
const logs: DurableLog[] = [];
afterEach(() => {
  for (const log of logs.splice(0)) log.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function open(dir: string): DurableLog {
  const log = DurableLog.open(dir, { compactAt: 2 ** 40 });
  logs.push(log);
  return log;
}

const START: EventBatch = {
  events: [
    {
      type: 'sandboxStarted',
      clock: { at: 1_000, realAt: 1_000, frozen: false },
      linkSecret: 'secret',
      seed: { accounts: [] },
      ids: [],
    },
  ],
};
const T = 1_781_006_400_000;
const change = (app: string, n: number, statusName = n % 3 ? 'Lunch' : 'Tea break ☕'): SandboxEvent => ({
  type: 'statusChanged',
  app,
  agentId: `agent-${n % 4}`,
  statusId: `status-${statusName.length}`,
  statusName,
  active: statusName === 'Lunch',
  actor: n % 2 ? { type: 'admin', id: 'admin-1' } : { type: 'agent', id: `agent-${n % 4}` },
  at: T + n * 7,
});

/** Every event a replay hands over, a run of changes expanded back into one `statusChanged` each; and the last ids. */
function replayed(log: DurableLog): { events: SandboxEvent[]; ids: number | undefined; batches: number } {
  const events: SandboxEvent[] = [];
  let ids: number | undefined;
  let batches = 0;
  log.replay((batch) => {
    batches++;
    ids = batch.idsDrawn ?? ids;
    for (const event of batch.events) {
      if (event.type !== 'statusChanges') {
        events.push(event);
        continue;
      }
      const c = event.changes;
      for (let k = 0; k < c.length; k++) {
        const status = c.statuses[c.status[k] as number];
        events.push({
          type: 'statusChanged',
          app: event.app,
          agentId: c.agentIds[c.agent[k] as number] as string,
          statusId: status?.id as string,
          statusName: status?.name as string,
          active: status?.active as boolean,
          actor: c.actors[c.actor[k] as number] as SandboxEvent & never,
          at: c.at[k] as number,
        });
      }
    }
  });
  return { events: JSON.parse(JSON.stringify(events)), ids, batches };
}

describe('status changes as columns', () => {
  it('reads a log’s status changes back as runs of columns, and a compaction keeps them as columns lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-columns-'));
    dirs.push(dir);
    const log = open(dir);
    const batches: EventBatch[] = [START];
    for (let n = 1; n <= 300; n++) batches.push({ events: [change('app', n)], idsDrawn: 10 + n });
    // A name with an escape, another account, and another kind of event, each ending a run.
    batches.push({ events: [change('app', 301, 'Say "hi"')], idsDrawn: 400 });
    for (let n = 302; n <= 320; n++) batches.push({ events: [change('other', n)], idsDrawn: 400 });
    batches.push({
      events: [{ type: 'statusCreated', app: 'app', status: { id: 's', name: 'S', emoji: '', builtIn: false } }],
      idsDrawn: 401,
    });
    for (let n = 321; n <= 400; n++) batches.push({ events: [change('app', n)], idsDrawn: 401 + n });
    for (const batch of batches) log.accept(batch);
    const accepted = JSON.parse(JSON.stringify(batches.flatMap((b) => b.events)));
    for (const l of logs.splice(0)) l.close();

    const reopened = open(dir);
    const fromLog = replayed(reopened);
    expect(fromLog.events).toEqual(accepted);
    expect(fromLog.ids).toBe(801);
    // The start, then runs: 300 changes, the escaped one alone (parsed as JSON), 19 of the other account, the
    // created status, 80 changes.
    expect(fromLog.batches).toBe(6);

    reopened.compact();
    const snapshot = readFileSync(join(dir, 'sandbox-snapshot.ndjson'), 'utf8').split('\n').filter(Boolean);
    expect(JSON.parse(snapshot[0] as string)).toMatchObject({ type: 'format', version: 4 });
    expect(snapshot.filter((line) => line.startsWith('{"type":"statusColumns"'))).toHaveLength(3);
    for (const l of logs.splice(0)) l.close();
    expect(replayed(open(dir))).toEqual(fromLog);
  });

  it('stops at a damaged columns line of the snapshot, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-columns-'));
    dirs.push(dir);
    const log = open(dir);
    log.accept(START);
    for (let n = 1; n <= 10; n++) log.accept({ events: [change('app', n)] });
    log.compact();
    for (const l of logs.splice(0)) l.close();
    const file = join(dir, 'sandbox-snapshot.ndjson');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"length":10', '"length":11'));
    expect(() => open(dir)).toThrow(DataDirError);
    expect(() => open(dir)).toThrow(/line 3 of 3 is corrupt \(a statusColumns line of 11 changes has columns/);
  });
});
