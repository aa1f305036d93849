import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './settings.js';

/** One simulation size, as bench/simulation.ts prints it. */
export type Simulation = {
  agents: number;
  days: number;
  changes: number;
  simulateMs: number;
  simulateCpuMs: number;
  simulatePeakRssMB: number;
  rssBeforeMB: number;
  retainedMB: number;
  retainedMBPerMillion: number;
  reportParts: number;
  reportRows: number;
  reportMs: number;
  reportCpuMs: number;
  reportZipBytes: number;
  peakRssMB: number;
};

/** `POST /_mock/simulate` at 1,000 and 1,300 agents × 90 days, then a month's report, each in its own process. */
export function measureSimulations(): Simulation[] {
  const simulations: Simulation[] = [];
  for (const [agents, days] of [
    [1000, 90],
    [1300, 90],
  ] as const) {
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', join(root, 'bench/simulation.ts'), String(agents), String(days)],
      { cwd: join(root, 'packages/mock-server'), encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    simulations.push(JSON.parse(out.trim().split('\n').at(-1) as string));
    process.stderr.write(`simulation ${agents} × ${days}: ${out}`);
  }
  return simulations;
}
