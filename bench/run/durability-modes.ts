import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { DURATION, quick, root } from './settings.js';

/** What bench/durability.ts prints: PATCH rates per `--fsync` mode, and the folder before and after compaction. */
export type Durability = {
  changes: number;
  patchRps: Record<string, number>;
  rounds: number;
  seconds: number;
  bytesBefore: number;
  startBeforeMs: number;
  compactMs: number;
  bytesAfter: number;
  files: Record<string, number>;
  startAfterMs: number;
  /** The same CLI's start-up on an empty folder, taken in turns with the starts after compaction (median of 3). */
  startEmptyMs: number;
  tail: number;
  compactTailMs: number;
};

/** The `--fsync` modes, 1 M status changes before and after a compaction (bench/durability.ts, in its own process). */
export function measureDurability(): Durability {
  return JSON.parse(
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(root, 'bench/durability.ts'),
        quick ? '100000' : '1000000',
        String(DURATION),
        String(quick ? 1 : 3),
      ],
      {
        cwd: join(root, 'packages/mock-server'),
        encoding: 'utf8',
        maxBuffer: 1 << 20,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
      .trim()
      .split('\n')
      .at(-1) as string,
  ) as Durability;
}
