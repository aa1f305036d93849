import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activityRowsOf } from '../testing/report-download.js';
import { IDS, iso, openSandbox, T0 } from '../testing/sandbox-harness.js';

const AGENTS = [IDS.john, IDS.matt, IDS.sarah, IDS.sebastian];
const STATUSES = [IDS.active, IDS.unavailable, IDS.lunch, IDS.break, IDS.meeting, IDS.training, IDS.teaBreak];

type Step =
  | { kind: 'advance'; ms: number }
  | { kind: 'status'; agent: string; status: string; asAgent: boolean }
  | { kind: 'availability'; agent: string; availability: 'AVAILABLE' | 'UNAVAILABLE' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1_000, max: 7_200_000 }) }),
  fc.record({
    kind: fc.constant('status' as const),
    agent: fc.constantFrom(...AGENTS),
    status: fc.constantFrom(...STATUSES),
    asAgent: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('availability' as const),
    agent: fc.constantFrom(...AGENTS),
    availability: fc.constantFrom('AVAILABLE' as const, 'UNAVAILABLE' as const),
  }),
);

type HistoryEntry = { at: string; to: { id: string; name: string } };

/**
 * Milliseconds of `[from, to)` that the agent's recorded history covers, each entry lasting until the next one and
 * the last one until `cutoff`. Computed here from the history alone, not with the mock's report code.
 */
function coveredMs(history: HistoryEntry[], from: number, to: number, cutoff: number): number {
  let total = 0;
  history.forEach((entry, i) => {
    const start = Date.parse(entry.at);
    const next = history[i + 1];
    const end = next ? Date.parse(next.at) : cutoff;
    total += Math.max(0, Math.min(end, to, cutoff) - Math.max(start, from));
  });
  return total;
}

describe('Agent-IntelliAssign-Activity report content (property)', () => {
  it('adds up, per agent, to the time its history spends inside the window', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        async (steps, startFraction, lengthFraction) => {
          const { mock, freshchat, control, fetch, advance } = openSandbox({ reportDelaySeconds: 1 });
          try {
            let now = T0;
            for (const s of steps) {
              if (s.kind === 'advance') {
                await advance(s.ms / 1000);
                now += s.ms;
              } else if (s.kind === 'availability') {
                const { response } = await freshchat.PATCH('/agents/{agent_id}', {
                  params: { path: { agent_id: s.agent } },
                  body: { availability_status: s.availability },
                });
                expect(response.status).toBe(200);
              } else {
                const body = { agent_status: { id: s.status } };
                const { response } = s.asAgent
                  ? await control.POST('/_mock/agents/{agent_id}/status', {
                      params: { path: { agent_id: s.agent } },
                      body,
                    })
                  : await freshchat.PATCH('/agents/{agent_id}', { params: { path: { agent_id: s.agent } }, body });
                expect(response.status).toBe(200);
              }
            }
            const span = now - T0;
            fc.pre(span >= 2);
            const from = T0 + Math.floor(((span - 1) * startFraction) / 1_000_000);
            const to = from + Math.max(1, Math.floor(((now - from) * lengthFraction) / 1_000_000));

            const accepted = await freshchat.POST('/reports/raw', {
              body: { start: iso(from), end: iso(to), event: 'Agent-IntelliAssign-Activity', format: 'csv' },
            });
            expect(accepted.response.status).toBe(202);
            const cutoff = now + 1000;
            await advance(1);
            const { data: report } = await freshchat.GET('/reports/raw/{id}', {
              params: { path: { id: accepted.data?.id ?? '' } },
            });
            expect(report?.status).toBe('COMPLETED');
            const rows = (await activityRowsOf(fetch, report as NonNullable<typeof report>)).flatMap((p) => p.rows);

            for (const agent of AGENTS) {
              const { data } = await control.GET('/_mock/agents/{agent_id}/history', {
                params: { path: { agent_id: agent } },
              });
              const history = data?.history ?? [];
              const own = rows.filter((r) => r.agent_id === agent);
              const seconds = own.reduce((sum, r) => sum + r.agent_status_in_seconds, 0);
              const expected = coveredMs(history, from, to, cutoff) / 1000;

              expect(seconds, `agent ${agent}`).toBeLessThanOrEqual(expected);
              expect(seconds, `agent ${agent}`).toBeGreaterThanOrEqual(expected - own.length);
              // Every row is a period of the recorded history: its status, selected when the history says.
              const selections = new Set(history.map((h) => `${h.at} ${h.to.name}`));
              for (const r of own) expect(selections.has(`${r.created_at} ${r.agent_status}`)).toBe(true);
              for (const r of own)
                expect(r.activity_type).toBe(r.agent_status === 'Active on IntelliAssign' ? 'active' : 'inactive');
            }
          } finally {
            mock.close();
          }
        },
      ),
      { numRuns: 50 },
    );
  }, 20_000);
});
