// A real full disk for the durability tests: a small tmpfs mounted as the data folder (root only).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A mounted tmpfs: its folder, and how to unmount it (and remove the mount point). */
export type SmallTmpfs = { dir: string; unmount: () => void };

/**
 * Mounts a tmpfs of `bytes` on a fresh folder (`mount -t tmpfs -o size=…`): a file system that really fills up,
 * answering ENOSPC as a full disk does.
 *
 * @example
 * const disk = mountTmpfs(2 * 2 ** 20);
 * try { ... } finally { disk.unmount(); }
 */
export function mountTmpfs(bytes: number): SmallTmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    unmount: () => {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Why a tmpfs cannot be mounted here (not root, no `mount`, a container that forbids it), or undefined when it
 * can: the full-disk tests are then skipped with one line saying why. Under `CI=true` they are required, so that is
 * an error instead.
 *
 * @example
 * describe.skipIf(tmpfsSkipReason())('a full disk', () => { ... });
 */
export function tmpfsSkipReason(): string | undefined {
  let why: string | undefined;
  if (process.getuid?.() !== 0) why = 'not running as root';
  else {
    try {
      mountTmpfs(64 * 1024).unmount();
    } catch (error) {
      why = `mount -t tmpfs failed (${(error as Error).message.split('\n')[0]})`;
    }
  }
  if (why === undefined) return undefined;
  if (process.env.CI === 'true') throw new Error(`CI=true: the full-disk tests are required, and ${why}`);
  const reason = `full-disk tests skipped: ${why}; run them as root to mount a small tmpfs`;
  console.warn(reason);
  return reason;
}
