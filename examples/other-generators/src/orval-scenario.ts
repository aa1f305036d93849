import { getRawReport, listAgentStatuses, requestRawReport, updateAgentStatus } from '../generated/orval/freshchat.js';
import { advanceClock } from '../generated/orval/mock-control.js';
import { useSandbox } from './orval-fetch.js';
import { downloadCsv, SCENARIO, type ScenarioResult } from './scenario.js';

/** orval's functions answer `{ data, status }` for every declared status: anything but `expected` is a failure. */
function expectStatus<R extends { status: number; data: unknown }, S extends R['status']>(
  answer: R,
  expected: S,
): Extract<R, { status: S }>['data'] {
  if (answer.status !== expected)
    throw new Error(`expected ${expected}, got ${answer.status}: ${JSON.stringify(answer.data)}`);
  return answer.data;
}

/**
 * The scenario through orval's clients: list the statuses, put an agent on Meeting, an hour later request the
 * morning's report, advance the clock past its delay through the control API, and download it.
 *
 * @example
 * const result = await orvalScenario('http://127.0.0.1:4010', 'sandbox-token');
 */
export async function orvalScenario(origin: string, token: string): Promise<ScenarioResult> {
  useSandbox({ origin, token });

  const statuses = expectStatus(await listAgentStatuses(), 200);
  const patched = expectStatus(
    await updateAgentStatus(SCENARIO.agentId, { agent_status: { id: SCENARIO.meetingId } }),
    200,
  );
  expectStatus(await advanceClock({ seconds: 3600 }), 200);
  const { id } = expectStatus(await requestRawReport(SCENARIO.report), 202);
  const before = expectStatus(await getRawReport(id), 200);
  expectStatus(await advanceClock({ seconds: 30 }), 200);
  const after = expectStatus(await getRawReport(id), 200);
  const href = after.links?.[0]?.link?.href;
  if (href === undefined) throw new Error('the completed report has no link');

  return {
    statuses: statuses.states.map((state) => state.name),
    patched: { availability_status: patched.availability_status, status_name: patched.agent_status?.name },
    reportBeforeDelay: before.status,
    reportAfterDelay: after.status,
    csv: await downloadCsv(href),
  };
}
