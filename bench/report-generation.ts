/**
 * One report-generation measurement in its own process, so peak memory is this size's alone:
 * fills an account's history with `rows` status periods, then times a report's zipped CSV from the first GET of its
 * link to the last byte. Prints one JSON line.
 */
import { createMockServer, VirtualClock } from '../packages/mock-server/dist/index.js';
import { downloadReportBytes } from './report-bytes.js';

const rows = Number(process.argv[2] ?? 10_000);
// The clock starts 26 days back, the history is written forward from there, then the clock catches up.
const spanMs = 25 * 86_400_000;
const clock = new VirtualClock(Date.now, new Date(Date.now() - spanMs - 86_400_000));
const mock = createMockServer({ clock, reportDelaySeconds: 1, limits: { requestsPerMinute: 1e9 } });
const account = mock.state.allAccounts()[0];
if (!account) throw new Error('no account');
const agents = account.agents.all();
const statuses = account.statuses.all();
const auth = { Authorization: 'Bearer sandbox-token', 'Content-Type': 'application/json' };

// Every change is a real domain call, at synthetic times spread over the 25 days.
const from = mock.clock.now() + 1000;
const actor = { type: 'admin' as const, id: account.adminId };
const buildStarted = performance.now();
// Seed agents sit on their first status from `start`; new agents start inside the window so history stays ordered.
const ids: string[] = [];
for (let i = 0; i < 50; i++) {
  ids.push(
    account.agents.add({
      firstName: `Agent${i}`,
      lastName: 'Bench',
      createdAt: from,
      since: from,
      actor,
    }).id,
  );
}
for (let i = 0; i < rows - ids.length - agents.length; i++) {
  const at = from + 1000 + Math.floor((i / rows) * spanMs);
  const status = statuses[(i % (statuses.length - 1)) + ((i >> 3) % 2)] ?? statuses[0];
  account.agents.changeStatus(
    ids[i % ids.length] as string,
    { agent_status: { id: (status as { id: string }).id } },
    actor,
    at,
  );
}
const buildMs = performance.now() - buildStarted;
mock.clock.advance((spanMs + 60_000) / 1000);
const start = mock.clock.now();
const rssBefore = process.memoryUsage().rss;

const body = JSON.stringify({
  start: new Date(from).toISOString(),
  end: new Date(Math.min(start, from + spanMs)).toISOString(),
  event: 'Agent-IntelliAssign-Activity',
  format: 'csv',
});
const post = await mock.app.request('/v2/reports/raw', { method: 'POST', headers: auth, body });
const { id } = (await post.json()) as { id: string };
mock.clock.advance(2);
const report = (await (await mock.app.request(`/v2/reports/raw/${id}`, { headers: auth })).json()) as {
  links: { link: { href: string } }[];
};
const started = performance.now();
const bytes = await downloadReportBytes(mock, report.links);
const ms = performance.now() - started;
mock.close();
process.stdout.write(
  `${JSON.stringify({
    rows: account.history.length,
    parts: report.links.length,
    buildMs: Math.round(buildMs),
    ms: Math.round(ms),
    zipBytes: bytes,
    rssBeforeMB: Math.round(rssBefore / 2 ** 20),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
);
