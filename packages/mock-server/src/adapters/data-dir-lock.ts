import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** A data folder that cannot be used as it is: in use, written by a newer version, corrupt, inconsistent. */
export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirError';
  }
}

/** The lock file's name inside the data folder. */
export const LOCK_FILE = 'sandbox.lock';

/**
 * Makes this process the folder's only writer: creates `<dir>/sandbox.lock` holding the pid, exclusively. A lock
 * held by a running process (this one included) fails at once with a `DataDirError` naming the folder and the pid;
 * a lock left by a process that is gone is taken over, with a warning. Returns the function that releases it.
 *
 * @example
 * const release = lockDataDir('.sandbox-data', (m) => console.warn(m));
 * // … write to the folder …
 * release();
 */
export function lockDataDir(dir: string, onWarning: (message: string) => void): () => void {
  const file = join(dir, LOCK_FILE);
  // Two rounds: the second follows the removal of a stale lock.
  for (let round = 0; round < 2; round++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => release(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = lockHolder(file);
    if (holder !== undefined && isRunning(holder)) {
      throw new DataDirError(
        `the data folder ${dir} is in use by another sandbox (pid ${holder}); stop it first, or use another --data-dir`,
      );
    }
    onWarning(
      `${file}: the sandbox that held this lock (pid ${holder ?? 'unknown'}) is no longer running; taking it over`,
    );
    rmSync(file, { force: true });
  }
  throw new DataDirError(`the data folder ${dir} is being locked by another sandbox starting at the same moment`);
}

function lockHolder(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function release(file: string): void {
  // Only our own lock: a folder taken over after we were thought dead is not ours to unlock.
  if (lockHolder(file) === process.pid) rmSync(file, { force: true });
}
