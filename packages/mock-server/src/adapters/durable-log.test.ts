/**
 * The log's files: format line and versions, corrupt lines and `repair`, compaction's switch and what it drops,
 * the crash windows of that switch, `fsync: 'always'`, and a failing disk (ENOSPC, EIO, short writes).
 */
import * as fs from 'node:fs';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DomainError } from '../domain/domain-error.js';
import type { EventBatch } from '../domain/events/event-sink.js';
import type { SandboxEvent } from '../domain/events/sandbox-event.js';
import { DataDirError } from './data-dir-lock.js';
import { DurableLog, type DurableLogOptions, type LogWriter } from './durable-log.js';

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return { ...real, fsyncSync: vi.fn(real.fsyncSync), fsync: vi.fn(real.fsync) };
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

const CLOCK = { at: 1_000_000, realAt: 1_000, frozen: false };
const START: EventBatch = {
  events: [{ type: 'sandboxStarted', clock: CLOCK, linkSecret: 'secret', seed: { accounts: [] }, ids: [] }],
};
function created(n: number): EventBatch {
  const status = { id: `id-${n}`, name: `status ${n}`, emoji: '', builtIn: false };
  return { events: [{ type: 'statusCreated', app: 'app', status }] };
}
function reset(n: number): EventBatch {
  return { events: [{ type: 'sandboxReset', at: 9_000_000 + n, clock: { ...CLOCK, at: 9_000_000 + n }, ids: [] }] };
}
/** The lines a log holds for `batches`, as it reads them back. */
const asLines = (batches: EventBatch[]) =>
  batches.map((b) => ({ type: 'events', events: b.events as SandboxEvent[], ids: b.idsDrawn }));
/** What a log read back, as JSON (an absent `ids` and an undefined one are the same line). */
const readBack = (log: DurableLog) => {
  const read: unknown[] = [];
  log.replay((batch) => read.push({ type: 'events', events: batch.events, ids: batch.idsDrawn }));
  return JSON.parse(JSON.stringify({ lines: read, warnings: log.loaded.warnings }));
};
const expected = (batches: EventBatch[], warnings: string[] = []) =>
  JSON.parse(JSON.stringify({ lines: asLines(batches), warnings }));
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
/** The log's file in `dir`, by the name the folder's layout gives it. */
const logFile = (dir: string) => join(dir, 'sandbox-log.ndjson');

describe('DurableLog format', () => {
  it('starts each file with its format line, and reads back what it accepted, seeded id counts included', () => {
    const dir = folder();
    const log = open(dir);
    log.accept(START);
    log.accept({ ...created(1), idsDrawn: 7 });
    close(log);
    expect(JSON.parse(lines(logFile(dir))[0] as string)).toEqual({ type: 'format', version: 3, generation: 0 });
    expect(readBack(open(dir))).toEqual(expected([START, { ...created(1), idsDrawn: 7 }]));
  });

  it('refuses a log written in a newer format, with a clear message, and leaves the folder unlocked', () => {
    const dir = folder();
    const file = join(dir, 'sandbox-log.ndjson');
    writeFileSync(file, `${JSON.stringify({ type: 'format', version: 5, generation: 0 })}\n`);
    expect(() => open(dir)).toThrow(DataDirError);
    expect(() => open(dir)).toThrow(
      `${file} is in format 5, written by a newer freshchat-sandbox; this one reads formats 1 to 4. ` +
        'Start a newer version, or use another --data-dir.',
    );
    expect(existsSync(join(dir, 'sandbox.lock'))).toBe(false);
  });

  it('refuses a log of requests (format 2): the migration turns it into events first', () => {
    const dir = folder();
    const file = join(dir, 'sandbox-log.ndjson');
    writeFileSync(file, `${JSON.stringify({ type: 'format', version: 2, generation: 0 })}\n`);
    expect(() => open(dir)).toThrow(`${file} is in format 2; it must be migrated to 3 first`);
    expect(existsSync(join(dir, 'sandbox.lock'))).toBe(false);
  });

  it('stops at a corrupt line in the middle, naming it; --repair keeps a backup and cuts the log before it', () => {
    const dir = folder();
    const log = open(dir);
    for (const batch of [START, created(1), created(2), created(3), created(4)]) log.accept(batch);
    close(log);
    const written = lines(logFile(dir));
    written[3] = '{"type":"events","events":[{"type":"statusCr\u0000\u0000 garbage';
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
    expect(readBack(repaired).lines).toEqual(expected([START, created(1)]).lines);
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
    for (const batch of [START, created(1), created(2)]) log.accept(batch);
    log.compact();
    close(log);
    const file = join(dir, 'sandbox-snapshot.ndjson');
    const written = lines(file);
    written[2] = '{"type":"events",';
    writeFileSync(file, `${written.join('\n')}\n`);
    for (const repair of [false, true]) {
      expect(() => open(dir, { repair })).toThrow(
        new RegExp(`^${file}: line 3 of 4 is corrupt \\(.*\\); the sandbox did not start. Restore sandbox-snapshot`),
      );
    }
  });
});

describe('DurableLog compaction', () => {
  it('switches to a snapshot and a fresh log past the threshold, and hands back every line once', async () => {
    const dir = folder();
    const log = open(dir, { compactAt: 1500 });
    const accepted = [START, ...Array.from({ length: 80 }, (_, i) => created(i + 1))];
    for (const batch of accepted) {
      log.accept(batch);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(log.compactions).toBeGreaterThan(3);
    expect(fs.statSync(logFile(dir)).size).toBeLessThanOrEqual(1500 + 400);
    expect(readdirSync(dir).sort()).toEqual(['sandbox-log.ndjson', 'sandbox-snapshot.ndjson', 'sandbox.lock']);
    close(log);
    const again = open(dir);
    expect(readBack(again)).toEqual(expected(accepted));
    const replayed: EventBatch[] = [];
    again.replay((batch) => replayed.push(batch));
    expect(JSON.parse(JSON.stringify(replayed))).toEqual(JSON.parse(JSON.stringify(accepted)));
  });

  it('drops what a reset undoes: it keeps the start, then the last reset (which carries the clock) and what follows', () => {
    const dir = folder();
    const log = open(dir);
    for (const batch of [START, created(1), reset(2), created(3), reset(4), created(5), created(6)]) log.accept(batch);
    log.compact();
    close(log);
    expect(readBack(open(dir)).lines).toEqual(expected([START, reset(4), created(5), created(6)]).lines);
  });

  it('hands back each line once after a kill between the snapshot’s rename and the fresh log’s', () => {
    const dir = folder();
    const log = open(dir);
    for (const batch of [START, created(1), created(2)]) log.accept(batch);
    close(log);
    const before = join(dir, 'old-log');
    copyFileSync(logFile(dir), before);
    const compacting = open(dir);
    compacting.compact();
    close(compacting);
    // The snapshot holds generation 0 up to its end; the log is still generation 0, as if the kill came now.
    copyFileSync(before, logFile(dir));
    writeFileSync(join(dir, 'sandbox-log.ndjson.tmp'), '{"type":"format"');
    expect(readBack(open(dir))).toEqual(expected([START, created(1), created(2)]));
    expect(existsSync(join(dir, 'sandbox-log.ndjson.tmp'))).toBe(false);
    close(logs[0] as DurableLog);
    // Had the process gone on appending to the old log (its switch failed), those lines follow the snapshot.
    fs.appendFileSync(logFile(dir), `${JSON.stringify(asLines([created(3)])[0])}\n`);
    expect(readBack(open(dir)).lines).toEqual(expected([START, created(1), created(2), created(3)]).lines);
  });

  it('compacts on close when past the threshold', () => {
    const dir = folder();
    const log = open(dir, { compactAt: 100 });
    log.accept(START);
    log.accept(created(1));
    expect(log.compactions).toBe(0);
    close(log);
    expect(log.compactions).toBe(1);
    expect(lines(logFile(dir))).toHaveLength(1);
  });
});

describe('DurableLog fsync', () => {
  const fsync = vi.mocked(fs.fsync);

  it('with fsync "always" writes each line at once and flushes the lines of one turn with one fsync, then answers them', async () => {
    const dir = folder();
    const always = open(dir, { fsync: 'always' });
    fsync.mockClear();
    const settled: string[] = [];
    const first = always.accept(START);
    const second = always.accept(created(1));
    expect(first).toBeInstanceOf(Promise);
    void first?.then(() => settled.push('first'));
    void second?.then(() => settled.push('second'));
    // Written before the fsync: a later decision may read them, and a kill of the process keeps them.
    expect(lines(logFile(dir))).toHaveLength(3);
    expect(settled).toEqual([]);
    await Promise.all([first, second]);
    expect(fsync).toHaveBeenCalledTimes(1);
    expect(settled).toEqual(['first', 'second']);
    expect(always.flushes).toBe(1);
    // The next turn is the next group.
    await always.accept(created(2));
    expect(fsync).toHaveBeenCalledTimes(2);

    const byDefault = open(folder());
    fsync.mockClear();
    expect(byDefault.accept(START)).toBeUndefined();
    expect(byDefault.accept(created(1))).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(fsync).not.toHaveBeenCalled();
  });

  it('refuses every line of a group whose fsync failed, and every line written while it ran, and cuts them off', async () => {
    const dir = folder();
    let failing = false;
    const writer: LogWriter = {
      write: (fd, bytes, offset, length) => fs.writeSync(fd, bytes, offset, length),
      truncate: (fd, length) => fs.ftruncateSync(fd, length),
      fsync: (fd, done) =>
        fs.fsync(fd, (error) =>
          done(failing ? Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }) : error),
        ),
    };
    const log = open(dir, { fsync: 'always', writer });
    log.replay(() => {}); // as the sandbox does when it starts: a later replay reads the folder again
    await log.accept(START);
    failing = true;
    const group = [log.accept(created(1)), log.accept(created(2))];
    // Written while the group's fsync runs: it may be lost with it.
    await new Promise((resolve) => setImmediate(resolve));
    const during = log.accept(created(3));
    const outcomes = await Promise.allSettled([...group, during]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    const reason = (outcomes[0] as PromiseRejectedResult).reason;
    expect(reason).toBeInstanceOf(DomainError);
    expect(reason).toMatchObject({ kind: 'storage_unavailable' });
    expect(lines(logFile(dir))).toHaveLength(2);
    expect(log.loaded.warnings).toEqual(['an fsync of the log failed (EIO): 3 changes not kept were refused']);
    // Writes resume once the disk flushes again; a replay reads what was kept.
    failing = false;
    await log.accept(created(4));
    expect(readBack(log).lines).toEqual(JSON.parse(JSON.stringify(asLines([START, created(4)]))));
  });

  it('flushes what waits before it compacts and when it closes', async () => {
    const dir = folder();
    const log = open(dir, { fsync: 'always', compactAt: 1 });
    const waiting = [log.accept(START), log.accept(created(1))];
    log.compact();
    await Promise.all(waiting);
    expect(log.compactions).toBe(1);
    const last = log.accept(created(2));
    close(log);
    await last;
    expect(readBack(open(dir)).lines).toEqual(JSON.parse(JSON.stringify(asLines([START, created(1), created(2)]))));
  });
});

/** A disk that fails as told: writes of at most `chunk` bytes, and an error on the writes `failing` names. */
function failingDisk(options: { chunk?: number; failing?: (write: number) => string | undefined; cutFails?: number }) {
  let writes = 0;
  let cutFailures = options.cutFails ?? 0;
  const writer: LogWriter = {
    write: (fd, bytes, offset, length) => {
      writes++;
      const n = Math.min(length, options.chunk ?? length);
      const code = options.failing?.(writes);
      if (code) {
        // A disk that fills up mid-line: part of the line lands before the error.
        fs.writeSync(fd, bytes, offset, Math.ceil(n / 2));
        throw Object.assign(new Error(`${code}: no space left on device, write`), { code });
      }
      return fs.writeSync(fd, bytes, offset, n);
    },
    truncate: (fd, length) => {
      if (cutFailures-- > 0) throw Object.assign(new Error('EIO: i/o error, ftruncate'), { code: 'EIO' });
      fs.ftruncateSync(fd, length);
    },
    fsync: (fd, done) => fs.fsync(fd, done),
  };
  return { writer, writes: () => writes };
}

describe('DurableLog on a failing disk', () => {
  it('writes a line whole through short writes', () => {
    const dir = folder();
    const disk = failingDisk({ chunk: 7 });
    const log = open(dir, { writer: disk.writer });
    log.accept(START);
    log.accept(created(1));
    expect(disk.writes()).toBeGreaterThan(20);
    close(log);
    expect(readBack(open(dir))).toEqual(expected([START, created(1)]));
  });

  it.each(['ENOSPC', 'EIO', 'EROFS'])(
    'refuses a line it could not write (%s) as storage unavailable, cuts its part off, and takes the next',
    (code) => {
      const dir = folder();
      let full = false;
      const disk = failingDisk({ chunk: 50, failing: () => (full ? code : undefined) });
      const log = open(dir, { writer: disk.writer });
      log.accept(START);
      full = true;
      const refused: unknown[] = [];
      for (const n of [1, 2, 3]) {
        try {
          log.accept(created(n));
        } catch (error) {
          refused.push(error);
        }
      }
      expect(refused).toHaveLength(3);
      for (const error of refused) {
        expect(error).toBeInstanceOf(DomainError);
        expect({ ...(error as DomainError), message: (error as DomainError).message }).toEqual({
          name: 'DomainError',
          kind: 'storage_unavailable',
          code: 'STORAGE_UNAVAILABLE',
          retry: undefined,
          message: `the change could not be kept (${code}), so it was not made; retry once the data folder takes writes again`,
        });
      }
      // Nothing of the refused lines is left in the file: it ends on the last whole line.
      expect(readFileSync(logFile(dir), 'utf8').endsWith('\n')).toBe(true);
      // Space again: writes resume.
      full = false;
      log.accept(created(4));
      close(log);
      expect(readBack(open(dir))).toEqual(expected([START, created(4)]));
    },
  );

  it('cuts a refused line off before the next append when the first cut failed too', () => {
    const dir = folder();
    const disk = failingDisk({ failing: (n) => (n === 2 ? 'ENOSPC' : undefined), cutFails: 1 });
    // One write per line here (no short writes): the second write is the first event's.
    const log = open(dir, { writer: disk.writer });
    log.accept(START);
    expect(() => log.accept(created(1))).toThrow(DomainError);
    // The half line is still there: the cut failed.
    expect(readFileSync(logFile(dir), 'utf8').endsWith('\n')).toBe(false);
    log.accept(created(2));
    close(log);
    expect(readBack(open(dir, { onWarning: (m) => expect.fail(m) }))).toEqual(expected([START, created(2)]));
  });
});
