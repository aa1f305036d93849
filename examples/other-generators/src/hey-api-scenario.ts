import { createClient } from '../generated/hey-api/freshchat/client/index.js';
import {
  getRawReport,
  listAgentStatuses,
  requestRawReport,
  updateAgentStatus,
} from '../generated/hey-api/freshchat/index.js';
import { createClient as createControlClient } from '../generated/hey-api/mock-control/client/index.js';
import { advanceClock } from '../generated/hey-api/mock-control/index.js';
import { downloadCsv, SCENARIO, type ScenarioResult } from './scenario.js';

/**
 * The scenario through @hey-api/openapi-ts's clients: list the statuses, put an agent on Meeting, an hour later
 * request the morning's report, advance the clock past its delay through the control API, and download it.
 *
 * @example
 * const result = await heyApiScenario('http://127.0.0.1:4010', 'sandbox-token');
 */
export async function heyApiScenario(origin: string, token: string): Promise<ScenarioResult> {
  const auth = { Authorization: `Bearer ${token}` };
  const freshchat = createClient({ baseUrl: `${origin}/v2`, headers: auth });
  const control = createControlClient({ baseUrl: origin, headers: auth });

  const statuses = await listAgentStatuses({ client: freshchat, throwOnError: true });
  const patched = await updateAgentStatus({
    client: freshchat,
    throwOnError: true,
    path: { agent_id: SCENARIO.agentId },
    body: { agent_status: { id: SCENARIO.meetingId } },
  });
  await advanceClock({ client: control, throwOnError: true, body: { seconds: 3600 } });
  const accepted = await requestRawReport({ client: freshchat, throwOnError: true, body: SCENARIO.report });
  const id = accepted.data.id;
  const before = await getRawReport({ client: freshchat, throwOnError: true, path: { id } });
  await advanceClock({ client: control, throwOnError: true, body: { seconds: 30 } });
  const after = await getRawReport({ client: freshchat, throwOnError: true, path: { id } });
  const href = after.data.links?.[0]?.link?.href;
  if (href === undefined) throw new Error('the completed report has no link');

  return {
    statuses: statuses.data.states.map((state) => state.name),
    patched: {
      availability_status: patched.data.availability_status,
      status_name: patched.data.agent_status?.name,
    },
    reportBeforeDelay: before.data.status,
    reportAfterDelay: after.data.status,
    csv: await downloadCsv(href),
  };
}
