import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Files of the data folder hold every token and the link secret: readable by their owner only. */
export const PRIVATE_FILE_MODE = 0o600;
/** The data folder, when the sandbox creates it: its owner's only. */
export const PRIVATE_FOLDER_MODE = 0o700;

/** Error codes of a folder that cannot be written: read-only, not permitted, full, over quota. */
const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR']);

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
      const fd = openSync(file, 'wx', PRIVATE_FILE_MODE);
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

/**
 * Whether `pid` is a process that still runs: one that exists and is not a zombie (killed, not yet reaped by its
 * parent: it holds no files and will never release its lock).
 */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** Linux's `/proc/<pid>/stat` gives the state after the command's closing parenthesis; elsewhere, no zombie is seen. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/**
 * The one-line `DataDirError` for an error of the file system met while opening the data folder: a folder that is
 * read-only, not ours, or full. Other errors are returned as they are.
 *
 * @example
 * try { open(dir) } catch (error) { throw unusableDataDir(dir, error) }
 */
export function unusableDataDir(dir: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (error instanceof DataDirError || code === undefined || !UNWRITABLE.has(code)) return error;
  const why = code === 'ENOSPC' || code === 'EDQUOT' ? 'it is full' : 'it cannot be written';
  return new DataDirError(
    `the data folder ${dir} cannot be used: ${why} (${(error as Error).message}); free it, or use another --data-dir`,
  );
}

function release(file: string): void {
  // Only our own lock: a folder taken over after we were thought dead is not ours to unlock.
  if (lockHolder(file) === process.pid) rmSync(file, { force: true });
}
