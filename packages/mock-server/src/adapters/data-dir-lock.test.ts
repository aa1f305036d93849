import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataDirError, LOCK_FILE, lockDataDir, unusableDataDir } from './data-dir-lock.js';

const dirs: string[] = [];
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('lockDataDir', () => {
  it('refuses a folder in use at once, naming the folder and the holder’s pid', () => {
    const dir = folder();
    const release = lockDataDir(dir, () => {});
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    expect(() => lockDataDir(dir, () => {})).toThrow(DataDirError);
    expect(() => lockDataDir(dir, () => {})).toThrow(
      `the data folder ${dir} is in use by another sandbox (pid ${process.pid})`,
    );
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lockDataDir(dir, () => {})();
  });

  it('takes over a lock left by a process that is gone, with a warning', () => {
    const dir = folder();
    const pid = deadPid();
    writeFileSync(join(dir, LOCK_FILE), `${pid}\n`);
    const onWarning = vi.fn();
    const release = lockDataDir(dir, onWarning);
    expect(onWarning).toHaveBeenCalledTimes(1);
    expect(onWarning.mock.calls[0]?.[0]).toBe(
      `${join(dir, LOCK_FILE)}: the sandbox that held this lock (pid ${pid}) is no longer running; taking it over`,
    );
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    release();
  });

  it('takes over an empty lock (its holder died before writing its pid)', () => {
    const dir = folder();
    writeFileSync(join(dir, LOCK_FILE), '');
    const onWarning = vi.fn();
    lockDataDir(dir, onWarning)();
    expect(onWarning.mock.calls[0]?.[0]).toMatch(/\(pid unknown\) is no longer running/);
  });

  it('releases only its own lock', () => {
    const dir = folder();
    const release = lockDataDir(dir, () => {});
    // Someone took the folder over (this process was thought dead): the lock is theirs now.
    writeFileSync(join(dir, LOCK_FILE), '1\n');
    release();
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe('1\n');
  });

  it('creates the lock readable by its owner only (0600)', () => {
    const dir = folder();
    const release = lockDataDir(dir, () => {});
    expect(statSync(join(dir, LOCK_FILE)).mode & 0o777).toBe(0o600);
    release();
  });

  it.runIf(existsSync('/proc/self/stat'))('takes over a lock held by a zombie (killed, not yet reaped)', async () => {
    // A shell that starts a short child and becomes a `sleep` that never reaps it: the child stays a zombie.
    const parent = spawn('sh', ['-c', 'sleep 0.05 & echo $!; exec sleep 10'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = await new Promise<number>((resolve) =>
        parent.stdout.once('data', (chunk: Buffer) => resolve(Number.parseInt(chunk.toString(), 10))),
      );
      await expect
        .poll(() => readFileSync(`/proc/${zombie}/stat`, 'utf8').replace(/^.*\) /s, '')[0], { timeout: 5000 })
        .toBe('Z');
      const dir = folder();
      writeFileSync(join(dir, LOCK_FILE), `${zombie}\n`);
      const onWarning = vi.fn();
      lockDataDir(dir, onWarning)();
      expect(onWarning.mock.calls[0]?.[0]).toMatch(`(pid ${zombie}) is no longer running`);
    } finally {
      if (parent.pid !== undefined) process.kill(parent.pid);
    }
  });
});

describe('unusableDataDir', () => {
  it('turns a read-only or full folder into one line naming the folder, and leaves other errors alone', () => {
    const fsError = (code: string, message: string) => Object.assign(new Error(message), { code });
    const readOnly = unusableDataDir('/data', fsError('EROFS', "EROFS: read-only file system, open '/data/x'"));
    const full = unusableDataDir('/data', fsError('ENOSPC', 'ENOSPC: no space left on device, write'));
    const other = fsError('EMFILE', 'EMFILE: too many open files');

    expect(readOnly).toBeInstanceOf(DataDirError);
    expect((readOnly as Error).message).toBe(
      "the data folder /data cannot be used: it cannot be written (EROFS: read-only file system, open '/data/x'); free it, or use another --data-dir",
    );
    expect((full as Error).message).toMatch(/^the data folder \/data cannot be used: it is full \(ENOSPC/);
    expect(unusableDataDir('/data', other)).toBe(other);
  });
});
