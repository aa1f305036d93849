/**
 * One simulation measurement in its own process, so its memory is its own: `POST /_mock/simulate` for `agents` ×
 * `days` (1,000 × 90 by default), then a one-month report over the simulated history downloaded in full (every
 * sub-report's zip to its last byte). Run with `--expose-gc` for the retained-memory figure. Prints one JSON line.
 */
import { createMockServer } from '../packages/mock-server/dist/index.js';
import { downloadReportBytes } from './report-bytes.js';

const agents = Number(process.argv[2] ?? 1000);
const days = Number(process.argv[3] ?? 90);
const gc = (globalThis as { gc?: () => void }).gc;
const DAY = 86_400_000;

const mock = createMockServer({ reportDelaySeconds: 1, limits: { requestsPerMinute: 1e9 } });
const auth = { Authorization: 'Bearer sandbox-token', 'Content-Type': 'application/json' };
const account = mock.state.allAccounts()[0];
if (!account) throw new Error('no account');
const retained = () => {
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const retainedBefore = retained();
const rssBefore = process.memoryUsage().rss;

const started = performance.now();
const cpuStarted = process.cpuUsage();
const answer = await mock.app.request('/_mock/simulate', {
  method: 'POST',
  headers: auth,
  body: JSON.stringify({ agents, days, seed: 1 }),
});
const made = (await answer.json()) as { agents_created: number; changes: number; from: string; to: string };
const simulateMs = performance.now() - started;
const simulateCpu = process.cpuUsage(cpuStarted);
if (answer.status !== 201) throw new Error(`simulate answered ${answer.status}: ${JSON.stringify(made)}`);
const simulatePeakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
const rssAfter = process.memoryUsage().rss;
const retainedAfter = retained();

// A one-month report ending at the simulation's end (whole UTC days, the window a dashboard asks for).
const end = Math.floor(Date.parse(made.to) / DAY) * DAY;
const start = end - 30 * DAY;
const post = await mock.app.request('/v2/reports/raw', {
  method: 'POST',
  headers: auth,
  body: JSON.stringify({
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    event: 'Agent-IntelliAssign-Activity',
    format: 'csv',
  }),
});
const { id } = (await post.json()) as { id: string };
mock.clock.advance(2);
const reportStarted = performance.now();
const reportCpuStarted = process.cpuUsage();
const report = (await (await mock.app.request(`/v2/reports/raw/${id}`, { headers: auth })).json()) as {
  links: { link: { href: string } }[];
};
const zipBytes = await downloadReportBytes(mock, report.links);
const reportMs = performance.now() - reportStarted;
const reportCpu = process.cpuUsage(reportCpuStarted);
/** CPU time of this process (user + system), in ms: what the work cost, whatever else the machine was doing. */
const cpuMs = (usage: NodeJS.CpuUsage) => Math.round((usage.user + usage.system) / 1000);
// Rows the report held, counted afterwards with the same cursor the download used.
let reportRows = 0;
const cutoff = mock.clock.now();
for (let from = start; from < end; from += DAY) {
  const cursor = account.history.cursor(from, from + DAY, cutoff);
  while (cursor.next()) reportRows++;
}
mock.close();
const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
process.stdout.write(
  `${JSON.stringify({
    agents: made.agents_created,
    days,
    changes: made.changes,
    simulateMs: Math.round(simulateMs),
    simulateCpuMs: cpuMs(simulateCpu),
    rssBeforeMB: mb(rssBefore),
    rssAfterMB: mb(rssAfter),
    simulatePeakRssMB,
    retainedMB: gc ? mb(retainedAfter - retainedBefore) : null,
    retainedMBPerMillion: gc ? mb(((retainedAfter - retainedBefore) / made.changes) * 1e6) : null,
    reportParts: report.links.length,
    reportRows,
    reportMs: Math.round(reportMs),
    reportCpuMs: cpuMs(reportCpu),
    reportZipBytes: zipBytes,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
);
