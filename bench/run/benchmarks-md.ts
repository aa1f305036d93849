import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { ColdStartRun } from './cold-start.js';
import type { Durability } from './durability-modes.js';
import type { InProcessRun } from './in-process.js';
import type { ReportRun } from './report-sizes.js';
import { CONNECTIONS, DURATION, median, ROUNDS, root } from './settings.js';
import type { Simulation } from './simulated-history.js';
import type { Cell, Throughput } from './throughput.js';

/** Everything one bench run measured, as the scenarios return it. */
export type Measured = Throughput & {
  /** On this Node: the installed command's cold start, `node -e 0`'s and the floors', measured in turn. */
  coldHere: ColdStartRun;
  coldPrism: number;
  /** The same on each other supported Node. */
  coldOnNodes: ColdStartRun[];
  reports: ReportRun[];
  simulations: Simulation[];
  durability: Durability;
  /** The in-process call's median on each Node measured, this one first. */
  inProcess: InProcessRun[];
  /** The load average (1, 5, 15 minutes) when the run started and when it ended. */
  load: { before: number[]; after: number[] };
};

/**
 * The lines of BENCHMARKS.md for one run: the tables, the targets met or missed, then bench/NOTES.md.
 *
 * @example
 * writeFileSync('BENCHMARKS.md', `${benchmarkLines(measured).join('\n')}\n`);
 */
export function benchmarkLines(measured: Measured): string[] {
  const {
    scenarios,
    results,
    sandboxRssBefore,
    sandboxRssAfter,
    sandboxRequests,
    coldHere,
    coldPrism,
    coldOnNodes,
    reports,
    simulations,
    durability,
    inProcess,
    load,
  } = measured;
  const coldSandbox = coldHere.sandboxMs;
  const cell = (s: string, t: string) => results.get(`${s}|${t}`) as Cell;
  const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  /** The installed version of a package, found from where the sandbox (or the root, for autocannon) resolves it. */
  const pkg = (name: string) => {
    for (const base of [join(root, 'packages/mock-server'), root]) {
      const file = join(base, 'node_modules', name, 'package.json');
      if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).version as string;
    }
    return 'unknown';
  };
  const prismVersion = JSON.parse(
    readFileSync(join(root, 'packages/contract-tests/node_modules/@stoplight/prism-cli/package.json'), 'utf8'),
  ).version;
  const mark = (ok: boolean) => (ok ? 'met' : '**missed**');

  const lines: string[] = [];
  lines.push('# Benchmarks', '');
  lines.push(
    `Measured by \`npx -y pnpm@10 bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${fmt(totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}, hono ${pkg('hono')}, @hono/node-server ${pkg('@hono/node-server')}, Prism ${prismVersion}, autocannon ${pkg('autocannon')}. Load average (1, 5, 15 min) ${load.before.map((x) => fmt(x, 2)).join(', ')} at the start, ${load.after.map((x) => fmt(x, 2)).join(', ')} at the end.`,
    '',
    `Load: autocannon, ${CONNECTIONS} connections, ${DURATION} s per run after a 1 s warm-up, ${ROUNDS} rounds, each running the four servers back to back in alternating order; medians shown. The load generator shares the machine's ${cpus().length} cores with the server. The sandbox runs as its CLI (\`dist/cli.cjs\`, one bundled module) with auth, validation, the journal and rate-limit headers on (rate limit raised so that no request is refused). node:http answers the exact bytes the sandbox answered (status, headers, body): the limit. Bare Hono, served by @hono/node-server as the sandbox is, answers the same bytes (after reading a PATCH's body): what the framework alone leaves of that limit. Prism runs \`prism mock openapi/freshchat.yaml\`.`,
    '',
  );
  lines.push('## Throughput and p99 latency', '');
  lines.push(
    'Two estimates of each ratio: the ratio of the medians, and the median of the per-round ratios (each round runs the four servers back to back, so a round compares them on the same state of this shared, noisy machine). A target counts as met only when both meet it.',
    '',
  );
  lines.push(
    '| operation | node:http req/s | bare Hono req/s | sandbox req/s | Prism req/s | bare Hono ÷ node:http (of medians / median per round) | sandbox ÷ node:http (of medians / median per round, range) | sandbox ÷ Prism (of medians / median per round, range) | p99 node:http / bare Hono / sandbox / Prism (ms) |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | --- | --- | --- | --- |');
  type Ratio = { ofMedians: number; perRound: number[]; median: number };
  const ratios: Record<string, { limit: Ratio; prism: Ratio; hono: Ratio }> = {};
  const ratio = (a: number[], b: number[]): Ratio => {
    const perRound = a.map((x, i) => x / (b[i] as number));
    return { ofMedians: median(a) / median(b), perRound, median: median(perRound) };
  };
  const showRatio = (r: Ratio, d: number) =>
    `${fmt(r.ofMedians, d)}× / ${fmt(r.median, d)}× (${fmt(Math.min(...r.perRound), d)}–${fmt(Math.max(...r.perRound), d)})`;
  for (const s of scenarios) {
    const raw = cell(s.name, 'node:http').rps;
    const hono = cell(s.name, 'bare Hono').rps;
    const sb = cell(s.name, 'sandbox').rps;
    const pr = cell(s.name, 'prism mock').rps;
    const both = { limit: ratio(sb, raw), prism: ratio(sb, pr), hono: ratio(hono, raw) };
    ratios[s.name] = both;
    const p99 = ['node:http', 'bare Hono', 'sandbox', 'prism mock'].map((t) => median(cell(s.name, t).p99));
    lines.push(
      `| \`${s.name}\` | ${fmt(median(raw))} | ${fmt(median(hono))} | ${fmt(median(sb))} | ${fmt(median(pr))} | ${fmt(both.hono.ofMedians, 2)}× / ${fmt(both.hono.median, 2)}× | ${showRatio(both.limit, 2)} | ${showRatio(both.prism, 1)} | ${p99.join(' / ')} |`,
    );
  }
  lines.push(
    '',
    `Sandbox memory under this load: ${sandboxRssBefore} MB resident before, ${sandboxRssAfter} MB after ${fmt(sandboxRequests)} requests (every PATCH that changes a status adds a history row of about 30 bytes; the request journal keeps the last 1000 per account).`,
  );
  lines.push('', '## Cold start (process start to first 200)', '');
  lines.push('| server | median ms |', '| --- | ---: |');
  lines.push(
    `| sandbox command (\`bin/freshchat-sandbox.js\`, as \`pnpm start\` runs it) | ${fmt(coldSandbox)} |`,
    `| bare Hono on @hono/node-server (\`bench/cold-start-floor.cjs hono\`, in turn with the command) | ${fmt(coldHere.honoMs)} |`,
    `| plain node:http (\`bench/cold-start-floor.cjs node-http\`, in turn) | ${fmt(coldHere.httpMs)} |`,
    `| \`node -e 0\` (Node itself, in turn) | ${fmt(coldHere.nodeMs)} |`,
    `| prism mock | ${fmt(coldPrism)} |`,
  );
  lines.push(
    '',
    "On each Node users run (the npm registry's `node` package for the others), the same command, which reads its code cache of the bundle (written by a first start once it answered), against that Node's own `node -e 0` and the two floors (CommonJS scripts as the command is, neither bundled nor cached), in turn, medians, the first 200 asked for over a plain socket 1 ms after each refusal; each ratio is to `node -e 0`:",
    '',
    '| Node | sandbox command ms | bare Hono ms | node:http ms | `node -e 0` ms | sandbox | bare Hono | node:http |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...[coldHere, ...coldOnNodes].map((r) =>
      r.missing
        ? `| ${r.node} | not measured: ${r.missing} | | | | | | |`
        : `| ${r.node} | ${fmt(r.sandboxMs)} | ${fmt(r.honoMs)} | ${fmt(r.httpMs)} | ${fmt(r.nodeMs)} | ${fmt(r.sandboxMs / r.nodeMs, 2)}× | ${fmt(r.honoMs / r.nodeMs, 2)}× | ${fmt(r.httpMs / r.nodeMs, 2)}× |`,
    ),
  );
  lines.push('', '## Report generation (time from the first GET of the links to the last byte of the zipped CSVs)', '');
  lines.push('| history rows | sub-reports | time ms | µs per row | zip bytes | RSS before MB | peak RSS MB |');
  lines.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of reports) {
    lines.push(
      `| ${fmt(r.rows)} | ${r.parts} | ${fmt(r.ms)} | ${fmt((r.ms * 1000) / r.rows, 2)} | ${fmt(r.zipBytes)} | ${r.rssBeforeMB} | ${r.peakRssMB} |`,
    );
  }
  lines.push('', '## Simulated history (`POST /_mock/simulate`, then a one-month report over it)', '');
  lines.push(
    "Each size in its own process: the simulation request in-process (time to its 201 answer, and the process's CPU time), peak RSS up to then, memory the history keeps (heap and array buffers after a full GC, before → after); then a 30-day report (30 daily sub-reports) over the simulated agents, from the first GET of its links to the last byte of every zip.",
    '',
  );
  lines.push(
    '| agents × days | changes | simulate ms (CPU ms) | peak RSS MB | kept MB | kept MB per 1 M changes | report rows | report ms (CPU ms) | zip bytes | peak RSS after the report MB |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of simulations) {
    lines.push(
      `| ${fmt(r.agents)} × ${r.days} | ${fmt(r.changes)} | ${fmt(r.simulateMs)} (${fmt(r.simulateCpuMs)}) | ${r.simulatePeakRssMB} | ${fmt(r.retainedMB, 1)} | ${fmt(r.retainedMBPerMillion, 1)} | ${fmt(r.reportRows)} | ${fmt(r.reportMs)} (${fmt(r.reportCpuMs)}) | ${fmt(r.reportZipBytes)} | ${r.peakRssMB} |`,
    );
  }
  lines.push('', '## In-process latency', '');
  lines.push(
    "One `client.GET('/agents/status')` through `app.fetch` (tinybench), on the Node running the bench and on each Node users run (from the npm registry's `node` package). Most of the call is undici building the client's Request and Response, which is where Nodes differ.",
    '',
    '| Node | median µs |',
    '| --- | ---: |',
    ...inProcess.map((r) => `| ${r.node} | ${r.missing ? `not measured: ${r.missing}` : fmt(r.medianUs, 1)} |`),
  );
  lines.push('', '## Durability (`--data-dir`)', '');
  lines.push(
    `PATCH throughput of the CLI (autocannon, ${CONNECTIONS} connections, ${durability.seconds} s, median of ${durability.rounds} alternating rounds; the folder is compacted whenever its log passes 16 MiB):`,
    '',
    '| mode | PATCH req/s |',
    '| --- | ---: |',
    ...Object.entries(durability.patchRps).map(
      ([mode, rps]) => `| ${mode.replace(/(--[\w-]+(?: \w+)?)/g, '`$1`')} | ${fmt(rps)} |`,
    ),
    '',
    `After ${fmt(durability.changes)} status changes (\`PATCH /v2/agents/{id}\`, each a real change; the log written line for line as the sandbox writes it, and both restarts checked to hold every change), then one compaction. Start-up of the same CLI on an empty folder: the cold start above.`,
    '',
    '| | folder size | start-up (process start to first 200) |',
    '| --- | ---: | ---: |',
    `| before compaction (the log: 1 M \`statusChanged\` event lines, read from their bytes into columns) | ${fmt(durability.bytesBefore / 2 ** 20, 1)} MiB | ${fmt(durability.startBeforeMs)} ms |`,
    `| after compaction (a snapshot of \`statusColumns\` lines + empty log; median of 3 starts) | ${fmt(durability.bytesAfter / 2 ** 20, 1)} MiB | ${fmt(durability.startAfterMs)} ms |`,
    `| an empty folder (the same CLI, in turns with the starts above; median of 3) | | ${fmt(durability.startEmptyMs)} ms |`,
    '',
    `The compaction itself took ${fmt(durability.compactMs)} ms (requests wait for it). Files after it: ${Object.entries(
      durability.files,
    )
      .map(([name, bytes]) => `\`${name}\` ${fmt(bytes)} bytes`)
      .join(
        ', ',
      )}. At the default threshold, compacting that snapshot and a log just past 16 MiB (${fmt(durability.tail)} more changes) took ${fmt(durability.compactTailMs)} ms.`,
  );

  const get = ratios['GET /v2/agents/status'] as { limit: Ratio; prism: Ratio };
  const big = reports.at(-1) as (typeof reports)[number];
  const small = reports[1] as (typeof reports)[number];
  const linear = big.ms / big.rows / (small.ms / small.rows);
  const both = (r: Ratio, d: number) => `${fmt(r.ofMedians, d)}× / ${fmt(r.median, d)}×`;
  const meets = (r: Ratio, target: number) => r.ofMedians >= target && r.median >= target;
  lines.push('', '## Targets', '');
  lines.push('| target | measured | |', '| --- | --- | --- |');
  for (const [name, label] of [
    ['GET /v2/agents/status', 'GET statuses'],
    ['PATCH /v2/agents/{id}', 'PATCH (each a change)'],
    ['GET /v2/reports/raw/{id}', 'report GET (a completed job)'],
  ] as const) {
    const { limit: r, hono } = ratios[name] as { limit: Ratio; hono: Ratio };
    lines.push(
      `| ${label} throughput ≥ 0.80× node:http | ${both(r, 2)} (bare Hono ${both(hono, 2)}) | ${mark(meets(r, 0.8))} |`,
    );
  }
  lines.push(`| GET throughput ≥ 10× Prism | ${both(get.prism, 1)} | ${mark(meets(get.prism, 10))} |`);
  lines.push(`| cold start < 400 ms | ${fmt(coldSandbox)} ms | ${mark(coldSandbox < 400)} |`);
  const coldRuns = [coldHere, ...coldOnNodes.filter((r) => !r.missing)];
  const major = (node: string) => node.replace(/\..*/, '');
  lines.push(
    `| cold start ≤ 2× \`node -e 0\` (aiming at 1.5×) | ${coldRuns.map((r) => `${major(r.node)}: ${fmt(r.sandboxMs / r.nodeMs, 2)}× (${fmt(r.sandboxMs)} / ${fmt(r.nodeMs)} ms; bare Hono ${fmt(r.honoMs / r.nodeMs, 2)}×, node:http ${fmt(r.httpMs / r.nodeMs, 2)}×)`).join('; ')} | ${coldRuns.map((r) => `${major(r.node)} ${mark(r.sandboxMs / r.nodeMs <= 2)}`).join(', ')} |`,
  );
  lines.push(
    `| cold start ≥ 5× faster than Prism | ${fmt(coldPrism / coldSandbox, 1)}× | ${mark(coldPrism / coldSandbox >= 5)} |`,
  );
  lines.push(`| 1 M-row report ≤ 3 s | ${fmt(big.ms)} ms | ${mark(big.ms <= 3000)} |`);
  lines.push(`| 1 M-row report ≤ 300 MB peak | ${big.peakRssMB} MB | ${mark(big.peakRssMB <= 300)} |`);
  lines.push(`| report cost linear in rows (µs/row at 1 M ÷ at 100 k) | ${fmt(linear, 2)} | ${mark(linear <= 1.5)} |`);
  const sim = simulations[0] as Simulation;
  lines.push(
    `| simulate 1,000 agents × 90 days ≤ 3 s | ${fmt(sim.simulateMs)} ms (${fmt(sim.changes)} changes) | ${mark(sim.simulateMs <= 3000)} |`,
  );
  lines.push(`| … within 300 MB peak RSS | ${sim.simulatePeakRssMB} MB | ${mark(sim.simulatePeakRssMB <= 300)} |`);
  lines.push(
    `| one-month report over it, downloaded in full, ≤ 3 s | ${fmt(sim.reportMs)} ms (${fmt(sim.reportRows)} rows) | ${mark(sim.reportMs <= 3000)} |`,
  );
  const measuredNodes = inProcess.filter((r) => !r.missing);
  const inProcessMark = (r: InProcessRun) => `${major(r.node)} ${mark(r.medianUs <= 20)}`;
  lines.push(
    `| in-process call ≤ 20 µs median | ${measuredNodes.map((r) => `${r.node}: ${fmt(r.medianUs, 1)} µs`).join('; ')} | ${measuredNodes.map(inProcessMark).join(', ')} |`,
  );
  const always = durability.patchRps['--data-dir, --fsync always'] ?? 0;
  const never = durability.patchRps['--data-dir, --fsync never'] ?? 1;
  lines.push(
    `| PATCH with \`--fsync always\` ≥ 0.5× \`--fsync never\` (group commit) | ${fmt(always / never, 2)}× | ${mark(always / never >= 0.5)} |`,
  );
  lines.push(
    `| ${fmt(durability.changes)} changes compacted: first 200 ≤ 400 ms | ${fmt(durability.startAfterMs)} ms | ${mark(durability.startAfterMs <= 400)} |`,
  );
  lines.push(
    `| a log of ${fmt(durability.changes)} events, uncompacted: first 200 ≤ 2 s | ${fmt(durability.startBeforeMs)} ms | ${mark(durability.startBeforeMs <= 2000)} |`,
  );
  const extra = (() => {
    try {
      return readFileSync(join(root, 'bench/NOTES.md'), 'utf8');
    } catch {
      return '';
    }
  })();
  if (extra) lines.push('', extra.trim());
  return lines;
}
