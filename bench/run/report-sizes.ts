import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './settings.js';

/** One report size, as bench/report-generation.ts prints it. */
export type ReportRun = {
  rows: number;
  parts: number;
  ms: number;
  zipBytes: number;
  rssBeforeMB: number;
  peakRssMB: number;
};

/** Report generation at 10k, 100k and 1M history rows, each in its own process (bench/report-generation.ts). */
export function measureReportSizes(): ReportRun[] {
  const sizes = [10_000, 100_000, 1_000_000];
  const reports: ReportRun[] = [];
  for (const rows of sizes) {
    // tsx resolves from the mock-server package, which depends on it.
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'bench/report-generation.ts'), String(rows)],
      {
        cwd: join(root, 'packages/mock-server'),
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      },
    );
    reports.push(JSON.parse(out.trim().split('\n').at(-1) as string));
    process.stderr.write(`report ${rows}: ${out}`);
  }
  return reports;
}
