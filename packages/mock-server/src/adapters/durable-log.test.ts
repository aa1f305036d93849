/**
 * The log's files: format line and versions, corrupt lines and `repair`, compaction's switch and what it folds,
 * the crash windows of that switch, and `fsync: 'always'`.
 */
import * as fs from 'node:fs';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataDirError } from './data-dir-lock.js';
import { DurableLog, type DurableLogOptions, type LogEntry } from './durable-log.js';

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return { ...real, fsyncSync: vi.fn(real.fsyncSync) };
});

const dirs: string[] = [];
const logs: DurableLog[] = [];
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-log-'));
  dirs.push(dir);
  return dir;
}
function open(dir: string, options: DurableLogOptions = {}): DurableLog {
  const log = DurableLog.open(dir, options);
  logs.push(log);
  return log;
}
function close(log: DurableLog): void {
  logs.splice(logs.indexOf(log), 1);
  log.close();
}
afterEach(() => {
  for (const log of logs.splice(0)) log.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const START: LogEntry = { type: 'start', at: 1_000_000, realAt: 1_000, linkSecret: 'secret' };
function request(n: number, extra: Partial<Extract<LogEntry, { type: 'request' }>> = {}): LogEntry {
  return {
    type: 'request',
    at: 1_000_000 + n,
    realAt: 1_000 + n,
    method: 'POST',
    path: '/_mock/statuses',
    token: 'sandbox-token',
    contentType: 'application/json',
    body: JSON.stringify({ name: `status ${n}` }),
    ids: [`id-${n}`],
    op: 'createCustomStatus',
    ...extra,
  };
}
function patch(n: number, agent: string, status: string): LogEntry {
  return request(n, {
    method: 'PATCH',
    path: `/v2/agents/${agent}`,
    body: JSON.stringify({ agent_status: { id: status } }),
    ids: [],
    op: 'updateAgentStatus',
  });
}
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
/** The log's file in `dir`, by the name the folder's layout gives it. */
const logFile = (dir: string) => join(dir, 'sandbox-log.ndjson');

describe('DurableLog format', () => {
  it('starts each file with its format line, and reads back what it appended', () => {
    const dir = folder();
    const log = open(dir);
    log.append(START);
    log.append(request(1));
    close(log);
    expect(JSON.parse(lines(logFile(dir))[0] as string)).toEqual({ type: 'format', version: 2, generation: 0 });
    const again = open(dir);
    expect(again.loaded).toEqual({ entries: [START, request(1)], warnings: [] });
  });

  it('refuses a log written in a newer format, with a clear message, and leaves the folder unlocked', () => {
    const dir = folder();
    const file = join(dir, 'sandbox-log.ndjson');
    writeFileSync(file, `${JSON.stringify({ type: 'format', version: 3, generation: 0 })}\n`);
    expect(() => open(dir)).toThrow(DataDirError);
    expect(() => open(dir)).toThrow(
      `${file} is in format 3, written by a newer freshchat-sandbox; this one reads formats 1 to 2. ` +
        'Start a newer version, or use another --data-dir.',
    );
    expect(existsSync(join(dir, 'sandbox.lock'))).toBe(false);
  });

  it('reads a format-1 log (no format line), migrates it once, says so and keeps the original', () => {
    const dir = folder();
    const file = join(dir, 'sandbox-log.ndjson');
    const { op: _op, ...oldRequest } = request(1) as Extract<LogEntry, { type: 'request' }>;
    const v1 = `${JSON.stringify(START)}\n${JSON.stringify(oldRequest)}\n`;
    writeFileSync(file, v1);
    const onWarning = vi.fn();
    const log = open(dir, { onWarning });
    expect(log.loaded.entries).toEqual([START, oldRequest]);
    expect(onWarning).toHaveBeenCalledWith(
      `${file} was in format 1; migrated once to format 2 (a snapshot and a fresh log). The original is kept as ` +
        'sandbox-log.format-1.ndjson.',
    );
    expect(readFileSync(join(dir, 'sandbox-log.format-1.ndjson'), 'utf8')).toBe(v1);
    close(log);
    const again = open(dir, { onWarning: (m) => expect.fail(m) });
    expect(again.loaded.entries).toEqual([START, oldRequest]);
  });

  it('stops at a corrupt line in the middle, naming it; --repair keeps a backup and cuts the log before it', () => {
    const dir = folder();
    const log = open(dir);
    for (const entry of [START, request(1), request(2), request(3), request(4)]) log.append(entry);
    close(log);
    const written = lines(logFile(dir));
    written[3] = '{"type":"request","at":1000003,"rea\u0000\u0000 garbage';
    const damaged = `${written.join('\n')}\n`;
    writeFileSync(logFile(dir), damaged);
    expect(() => open(dir)).toThrow(
      new RegExp(
        `^${logFile(dir)}: line 4 of 6 is corrupt \\(.*\\); the sandbox did not start. Start it with --repair`,
      ),
    );
    expect(readFileSync(logFile(dir), 'utf8')).toBe(damaged);

    const onWarning = vi.fn();
    const repaired = open(dir, { repair: true, onWarning });
    expect(repaired.loaded.entries).toEqual([START, request(1)]);
    const backup = readdirSync(dir).find((name) => name.endsWith('.bak')) as string;
    expect(readFileSync(join(dir, backup), 'utf8')).toBe(damaged);
    expect(onWarning.mock.calls[0]?.[0]).toBe(
      `${logFile(dir)}: line 4 of 6 was corrupt; repaired: cut before it (lines 4–6 dropped), the whole file is kept as ` +
        `${backup}`,
    );
    expect(lines(logFile(dir))).toEqual(written.slice(0, 3));
  });
});

describe('DurableLog snapshot damage', () => {
  it('stops at a corrupt snapshot line, even with repair: a snapshot is written whole', () => {
    const dir = folder();
    const log = open(dir);
    for (const entry of [START, request(1), request(2)]) log.append(entry);
    log.compact();
    close(log);
    const file = join(dir, 'sandbox-snapshot.ndjson');
    const written = lines(file);
    written[2] = '{"type":"request",';
    writeFileSync(file, `${written.join('\n')}\n`);
    for (const repair of [false, true]) {
      expect(() => open(dir, { repair })).toThrow(
        new RegExp(`^${file}: line 3 of 4 is corrupt \\(.*\\); the sandbox did not start. Restore sandbox-snapshot`),
      );
    }
  });
});

describe('DurableLog compaction', () => {
  it('switches to a snapshot and a fresh log past the threshold, and replays every entry once', async () => {
    const dir = folder();
    const log = open(dir, { compactAt: 1500 });
    const appended = [START, ...Array.from({ length: 40 }, (_, i) => request(i + 1))];
    for (const entry of appended) {
      log.append(entry);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(log.compactions).toBeGreaterThan(3);
    expect(fs.statSync(logFile(dir)).size).toBeLessThanOrEqual(1500 + 400);
    expect(readdirSync(dir).sort()).toEqual(['sandbox-log.ndjson', 'sandbox-snapshot.ndjson', 'sandbox.lock']);
    close(log);
    expect(open(dir).loaded).toEqual({ entries: appended, warnings: [] });
  });

  it('folds status changes into rows and drops what a reset undoes, keeping the clock’s advance', () => {
    const dir = folder();
    const log = open(dir);
    const reset = request(5, { path: '/_mock/reset', body: undefined, ids: [], op: 'resetSandbox', at: 9_000_005 });
    const faulted = { ...(patch(7, 'a', 's2') as object), faulted: true } as LogEntry;
    const entries = [START, request(1), patch(2, 'a', 's1'), reset, patch(6, 'a', 's1'), faulted, patch(9, 'b', 's1')];
    for (const entry of entries) log.append(entry);
    log.compact();
    close(log);
    const body = JSON.stringify({ agent_status: { id: 's1' } });
    const fold = (realAt: number, rows: number[], agents: string[]) => ({
      type: 'changes',
      realAt,
      tokens: ['sandbox-token'],
      ops: ['updateAgentStatus'],
      agents,
      bodies: [body],
      rows,
    });
    expect(open(dir).loaded.entries).toEqual([
      // The start takes over where the clock stood at the reset, 8 999 000 ms ahead of real time.
      { ...START, at: 9_000_005, realAt: 1_005 },
      reset,
      fold(1_006, [0, 0, 0, 0, 0], ['a']),
      faulted,
      fold(1_009, [0, 0, 0, 0, 0], ['b']),
    ]);
  });

  it('replays each entry once after a kill between the snapshot’s rename and the fresh log’s', () => {
    const dir = folder();
    const log = open(dir);
    for (const entry of [START, request(1), request(2)]) log.append(entry);
    close(log);
    const before = join(dir, 'old-log');
    copyFileSync(logFile(dir), before);
    const compacting = open(dir);
    compacting.compact();
    close(compacting);
    // The snapshot holds generation 0 up to its end; the log is still generation 0, as if the kill came now.
    copyFileSync(before, logFile(dir));
    writeFileSync(join(dir, 'sandbox-log.ndjson.tmp'), '{"type":"format"');
    expect(open(dir).loaded).toEqual({ entries: [START, request(1), request(2)], warnings: [] });
    expect(existsSync(join(dir, 'sandbox-log.ndjson.tmp'))).toBe(false);
    close(logs[0] as DurableLog);
    // Had the process gone on appending to the old log (its switch failed), those entries follow the snapshot.
    fs.appendFileSync(logFile(dir), `${JSON.stringify(request(3))}\n`);
    expect(open(dir).loaded.entries).toEqual([START, request(1), request(2), request(3)]);
  });

  it('compacts on close when past the threshold', () => {
    const dir = folder();
    const log = open(dir, { compactAt: 100 });
    log.append(START);
    log.append(request(1));
    expect(log.compactions).toBe(0);
    close(log);
    expect(log.compactions).toBe(1);
    expect(lines(logFile(dir))).toHaveLength(1);
  });
});

describe('DurableLog fsync', () => {
  const fsyncSync = vi.mocked(fs.fsyncSync);

  it('with fsync "always" flushes each entry before append returns; by default it leaves that to the system', () => {
    const always = open(folder(), { fsync: 'always' });
    fsyncSync.mockClear();
    always.append(START);
    always.append(request(1));
    expect(fsyncSync).toHaveBeenCalledTimes(2);
    const byDefault = open(folder());
    fsyncSync.mockClear();
    byDefault.append(START);
    byDefault.append(request(1));
    expect(fsyncSync).not.toHaveBeenCalled();
  });
});

describe('DurableLog replay', () => {
  it('appends nothing and hands back the fed ids while replay runs, and records again after it, even when it throws', async () => {
    const dir = folder();
    const log = open(dir);
    log.append(START);
    const bytes = readFileSync(join(dir, 'sandbox-log.ndjson')).length;

    const inside = await log.replay(async (feedIds) => {
      feedIds(['logged-1', 'logged-2']);
      log.append(request(1));
      return { replaying: log.replaying, ids: [log.ids(), log.ids()] };
    });
    await expect(
      log.replay(async () => {
        throw new Error('a bad entry');
      }),
    ).rejects.toThrow('a bad entry');

    expect(inside).toEqual({ replaying: true, ids: ['logged-1', 'logged-2'] });
    expect(readFileSync(join(dir, 'sandbox-log.ndjson')).length).toBe(bytes);
    expect(log.replaying).toBe(false);
    log.beginCapture();
    const fresh = log.ids();
    expect(log.endCapture()).toEqual([fresh]);
    expect(fresh).not.toMatch(/^logged-/);
    log.append(request(2));
    expect(readFileSync(join(dir, 'sandbox-log.ndjson')).length).toBeGreaterThan(bytes);
  });

  it('holds real time still from beginCapture to endCapture', async () => {
    const log = open(folder());
    log.beginCapture();
    const held = log.realNow();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log.realNow()).toBe(held);
    log.endCapture();
    expect(log.realNow()).toBeGreaterThanOrEqual(held + 15);
  });
});
