/**
 * `npx -y pnpm@10 bench`: the sandbox against the physical limit (node:http answering identical bytes), against bare
 * Hono answering the same bytes and against Prism's mock on the same document, in the same run, as ratios; cold start
 * (also on the other supported Nodes); report generation at 10k/100k/1M rows; in-process latency on each supported
 * Node; simulated history (`POST /_mock/simulate`) and a month's report over it. Writes BENCHMARKS.md. Every server
 * listens on 127.0.0.1 and is stopped at the end. Each scenario is a module in run/; this runs them in order (servers
 * that stay up are stopped before the single-process measures).
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { benchmarkLines } from './run/benchmarks-md.js';
import { measureColdStarts } from './run/cold-start.js';
import { measureDurability } from './run/durability-modes.js';
import { measureInProcess } from './run/in-process.js';
import { stopAll } from './run/processes.js';
import { measureReportSizes } from './run/report-sizes.js';
import { root } from './run/settings.js';
import { measureSimulations } from './run/simulated-history.js';
import { measureThroughput } from './run/throughput.js';

const loadBefore = loadavg();
const throughput = await measureThroughput();
const coldStarts = await measureColdStarts();
stopAll();
// In this order: each scenario runs alone on the machine.
const lines = benchmarkLines({
  ...throughput,
  ...coldStarts,
  reports: measureReportSizes(),
  simulations: measureSimulations(),
  durability: measureDurability(),
  inProcess: await measureInProcess(),
  load: { before: loadBefore, after: loadavg() },
});
writeFileSync(join(root, 'BENCHMARKS.md'), `${lines.join('\n')}\n`);
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(0);
