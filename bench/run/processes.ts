import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { root } from './settings.js';

const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a server from the repository's root; every one started is killed when the bench exits. */
export function start(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

/** Asks every server started so far to stop (SIGTERM), without waiting. */
export function stopAll(): void {
  for (const child of children) child.kill('SIGTERM');
}

/** Polls `url` until it answers 200; returns the milliseconds since `since`. */
export async function until200(url: string, headers: Record<string, string>, since: number, timeoutMs = 30_000) {
  for (;;) {
    try {
      const r = await fetch(url, { headers });
      await r.arrayBuffer();
      if (r.status === 200) return performance.now() - since;
    } catch {}
    if (performance.now() - since > timeoutMs) throw new Error(`${url} did not answer 200 in ${timeoutMs} ms`);
    await sleep(2);
  }
}

/** Stops one server and waits for it to exit. */
export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Resident memory of a process, in MB, from /proc (Linux). */
export const rssMB = (pid: number | undefined) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
};
