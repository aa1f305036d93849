import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
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

/** Whether one GET of `url` (on 127.0.0.1), over a plain socket, answers 200; false while the port refuses. */
function answers200(url: URL, headers: Record<string, string>): Promise<boolean> {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), '127.0.0.1');
    let head = '';
    socket.on('connect', () =>
      socket.write(
        `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n${lines.join('')}Connection: close\r\n\r\n`,
      ),
    );
    socket.on('data', (chunk) => {
      head += chunk;
      if (!head.includes('\r\n')) return;
      socket.destroy();
      resolve(head.startsWith('HTTP/1.1 200 '));
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}

/**
 * Asks `url` until it answers 200; returns the milliseconds since `since`. Asked again 1 ms after each refusal, over
 * a plain socket: a cold start measured with it holds neither fetch's own start nor a longer pause between tries.
 */
export async function until200(url: string, headers: Record<string, string>, since: number, timeoutMs = 30_000) {
  const target = new URL(url);
  while (!(await answers200(target, headers))) {
    if (performance.now() - since > timeoutMs) throw new Error(`${url} did not answer 200 in ${timeoutMs} ms`);
    await sleep(1);
  }
  return performance.now() - since;
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
