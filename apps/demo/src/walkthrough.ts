/**
 * A scripted, non-interactive walkthrough of the agent-status API against a sandbox it starts itself (it needs the
 * sandbox's virtual clock): statuses, a verified webhook, a few status changes over virtual time, then an
 * `Agent-IntelliAssign-Activity` report requested, waited for, downloaded and summed into time per status per agent.
 *
 * Run it with `npx -y pnpm@10 demo` at the root (or `npx tsx src/walkthrough.ts` here). Exits 0 when every step
 * worked, 1 with the failing step otherwise.
 */
import {
  type ControlClient,
  createControlClient,
  createFreshchatClient,
  downloadReport,
  type FreshchatClient,
  requestReport,
  waitForReport,
} from '@freshchat-sandbox/client';
import type { AgentAvailabilityEvent } from '@freshchat-sandbox/webhook-types';
import { agentName, dataOf, listAllAgents } from './freshchat-calls.js';
import { formatDuration, timePerStatus, timePerStatusTable } from './time-per-status.js';
import { startWebhookInbox } from './webhook-inbox.js';

const JOHN_DOE = 'afd5102c-5443-4fe3-a069-4fe25189a0a1';
const EVENT = 'Agent-IntelliAssign-Activity';

let stepNumber = 0;
let currentStep = 'starting';

function step(title: string): void {
  stepNumber += 1;
  currentStep = `${stepNumber}. ${title}`;
  console.log(`\n${currentStep}`);
}

function say(line: string): void {
  console.log(line === '' ? '' : `   ${line}`);
}

async function main(): Promise<void> {
  const cleanup: (() => Promise<void>)[] = [];
  try {
    await walkthrough(cleanup);
  } finally {
    // Stop whatever was started, newest first, even after a failure.
    for (const stop of cleanup.reverse()) await stop().catch(() => {});
  }
}

async function walkthrough(cleanup: (() => Promise<void>)[]): Promise<void> {
  step('Start a sandbox on 127.0.0.1 (a free port)');
  // Only to start a local sandbox; everything below talks to it over HTTP through the published client.
  const { listen, SANDBOX_TOKEN } = await import('@freshchat-sandbox/mock-server');
  // A frozen clock moves only when this script moves it, so every duration below is exact on every run.
  const sandbox = await listen({ port: 0, host: '127.0.0.1', frozenClock: true });
  cleanup.push(() => sandbox.stop());
  const freshchat = createFreshchatClient({ baseUrl: `${sandbox.url}/v2`, token: SANDBOX_TOKEN });
  const control = createControlClient({ baseUrl: sandbox.url, token: SANDBOX_TOKEN });
  const startedAt = new Date(dataOf(await control.GET('/_mock/clock')).now);
  say(`sandbox at ${sandbox.url} (Freshchat API under ${sandbox.url}/v2), virtual clock ${startedAt.toISOString()}`);

  step('List the custom statuses (GET /v2/agents/status)');
  const { states } = dataOf(await freshchat.GET('/agents/status'));
  for (const state of states) say(`${state.name.padEnd(20)} ${state.id}`);
  say(`${states.length} custom statuses`);
  const statusId = (name: string) => {
    const found = states.find((state) => state.name === name);
    if (!found) throw new Error(`the sandbox has no custom status named "${name}"`);
    return found.id;
  };

  step('List the agents (GET /v2/agents)');
  const agents = await listAllAgents(freshchat);
  const names = new Map(agents.map((agent) => [agent.id, agentName(agent)]));
  for (const agent of agents) say(`${agentName(agent).padEnd(15)} ${agent.id}  ${agent.agent_status.name}`);
  const byName = (name: string) => {
    const found = agents.find((agent) => agentName(agent) === name);
    if (!found) throw new Error(`the sandbox has no agent named "${name}"`);
    return found.id;
  };

  step('Start a webhook receiver and subscribe it (POST /_mock/webhooks)');
  const publicKey = dataOf(await control.GET('/_mock/webhooks/public-key', { parseAs: 'text' }));
  say(`public key from GET /_mock/webhooks/public-key: ${publicKey.split('\n')[0]} …`);
  const inbox = await startWebhookInbox({ publicKey });
  cleanup.push(() => inbox.stop());
  const subscription = dataOf(await control.POST('/_mock/webhooks', { body: { url: inbox.url } }));
  say(`receiver at ${inbox.url} (node:http + receiveNodeWebhook), subscription ${subscription.id}`);

  step(`Set John Doe to Meeting (PATCH /v2/agents/${JOHN_DOE})`);
  const meeting = statusId('Meeting');
  const patched = dataOf(
    await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: JOHN_DOE } },
      body: { agent_status: { id: meeting } },
    }),
  );
  say(`answer: availability_status ${patched.availability_status}, agent_status "${patched.agent_status.name}"`);

  step('Receive the agent_availability webhook and verify it');
  const first = await inbox.nextAgentAvailability(
    (event) => event.data.agent_availability.agent_id === JOHN_DOE && isOn(event, meeting),
  );
  const availability = first.event.data.agent_availability;
  say(`actor:        ${first.event.actor.actor_type} ${first.event.actor.actor_id}`);
  say(`agent:        ${names.get(availability.agent_id) ?? availability.agent_id}`);
  say(`status:       ${availability.status}`);
  say(`agent_status: ${availability.metadata.agent_status.name}`);
  say(`action_time:  ${first.event.action_time}`);
  say(`signature verified (X-Freshchat-Signature, RSA SHA-256), event id ${first.eventId ?? '-'}`);

  step('Make a few more changes while moving the virtual clock (POST /_mock/clock/advance)');
  const changes: { advanceMinutes: number; agent: string; to: string; as: 'admin' | 'agent' }[] = [
    { advanceMinutes: 25, agent: 'Matt Gibson', to: 'Lunch', as: 'agent' },
    { advanceMinutes: 20, agent: 'John Doe', to: 'Active on IntelliAssign', as: 'admin' },
    { advanceMinutes: 0, agent: 'Sarah Jones', to: 'Break', as: 'admin' },
    { advanceMinutes: 15, agent: 'Sarah Jones', to: 'Knowledge training', as: 'agent' },
    { advanceMinutes: 5, agent: 'Matt Gibson', to: 'Active on IntelliAssign', as: 'agent' },
    { advanceMinutes: 40, agent: 'Sebastian Ric', to: 'Unavailable', as: 'admin' },
    { advanceMinutes: 10, agent: 'Sarah Jones', to: 'Active on IntelliAssign', as: 'admin' },
  ];
  for (const change of changes) {
    if (change.advanceMinutes > 0) {
      const { now } = await advanceClock(control, change.advanceMinutes * 60);
      say(`clock +${change.advanceMinutes} min → ${now}`);
    }
    const agentId = byName(change.agent);
    const answer = await setStatus(freshchat, control, agentId, change.to, change.as, statusId);
    const delivery = await inbox.nextAgentAvailability(
      (event) =>
        event.data.agent_availability.agent_id === agentId &&
        event.data.agent_availability.metadata.agent_status.id === answer.agent_status.id,
    );
    const { status, metadata } = delivery.event.data.agent_availability;
    say(
      `${change.agent} → ${answer.agent_status.name} (as ${change.as}); webhook: ${delivery.event.actor.actor_type}, ${status}, "${metadata.agent_status.name}", signature verified`,
    );
  }
  const { now: endedAt } = await advanceClock(control, 10 * 60);
  say(`clock +10 min → ${endedAt}`);
  say(`${inbox.received.length} webhooks received and verified, ${inbox.rejected.length} refused`);

  step(`Request an ${EVENT} report (POST /v2/reports/raw)`);
  // From a minute before the sandbox started to now: covers everything recorded. A window may not end in the
  // future (Freshchat's own reports cover time already lived), so it ends at the clock's now.
  const start = new Date(startedAt.getTime() - 60_000).toISOString();
  const end = new Date(endedAt).toISOString();
  const accepted = await requestReport(freshchat, { start, end, event: EVENT, format: 'csv' });
  say(`report ${accepted.id} for ${start} → ${end}`);

  step('Wait for it (GET /v2/reports/raw/{id}), moving the virtual clock 10 s between polls');
  const report = await waitForReport(freshchat, accepted.id, {
    intervalMs: 10_000,
    timeoutMs: 60_000,
    // Each wait moves the sandbox's clock instead of waiting: the report's 30 clock-seconds pass in a moment.
    sleep: async (ms) => {
      await advanceClock(control, ms / 1000);
    },
    onProgress: (polled, attempt) => {
      const bar = polled.status === 'COMPLETED' ? '##########' : '#'.repeat(Math.min(attempt * 3, 9)).padEnd(10, '.');
      say(`poll ${attempt}: [${bar}] ${polled.status}`);
    },
  });
  say(`COMPLETED: ${report.links.length} sub-report(s) for ${report.interval}`);

  step('Download it (pre-signed links, no token) and sum the time per status per agent');
  const downloaded = await downloadReport(report, { event: EVENT });
  say(`${downloaded.rows.length} rows in ${downloaded.parts.length} CSV file(s)`);
  const summary = timePerStatus(downloaded.rows);
  console.log('');
  for (const line of timePerStatusTable(summary).split('\n')) say(line);
  const john = summary.agents.find((agent) => agent.agentId === JOHN_DOE);
  const johnMeeting = john?.seconds.Meeting;
  if (johnMeeting === undefined) throw new Error('the report has no Meeting time for John Doe');
  say('');
  say(`John Doe spent ${formatDuration(johnMeeting)} in Meeting.`);

  step('Ask for the next report in 3 parts (POST /_mock/faults report_split) and read every link');
  // Freshchat may split a report into several sub-reports: a consumer that reads only links[0] misses the rest.
  dataOf(await control.POST('/_mock/faults', { body: { type: 'report_split', parts: 3 } }));
  const again = await requestReport(
    freshchat,
    { start, end, event: EVENT, format: 'csv' },
    // The one-report-a-minute limit answers 429 with Retry-After: the wait moves the sandbox's clock instead.
    { sleep: async (ms) => void (await advanceClock(control, ms / 1000)) },
  );
  const split = await waitForReport(freshchat, again.id, {
    intervalMs: 10_000,
    timeoutMs: 60_000,
    sleep: async (ms) => void (await advanceClock(control, ms / 1000)),
  });
  const parts = await downloadReport(split, { event: EVENT });
  const same = timePerStatusTable(timePerStatus(parts.rows)) === timePerStatusTable(summary);
  say(`${split.links.length} sub-reports, ${parts.rows.length} rows: ${same ? 'the same table' : 'a DIFFERENT table'}`);
  if (!same) throw new Error('the split report does not add up to the same time per status');

  step('Stop the receiver and the sandbox');
  await control.DELETE('/_mock/webhooks/{subscription_id}', { params: { path: { subscription_id: subscription.id } } });
  await inbox.stop();
  await sandbox.stop();
  cleanup.length = 0;
  say('done');
}

function isOn(event: AgentAvailabilityEvent, statusId: string): boolean {
  return event.data.agent_availability.metadata.agent_status.id === statusId;
}

async function advanceClock(control: ControlClient, seconds: number): Promise<{ now: string }> {
  return dataOf(await control.POST('/_mock/clock/advance', { body: { seconds } }));
}

/**
 * Puts an agent on a status: as an admin through the public API (`PATCH /v2/agents/{id}`), or as the agent would
 * from Freshchat's UI (`POST /_mock/agents/{id}/status`). The built-in statuses are set by availability.
 */
async function setStatus(
  freshchat: FreshchatClient,
  control: ControlClient,
  agentId: string,
  statusName: string,
  as: 'admin' | 'agent',
  statusId: (name: string) => string,
) {
  const body =
    statusName === 'Active on IntelliAssign'
      ? { availability_status: 'AVAILABLE' as const }
      : statusName === 'Unavailable'
        ? { availability_status: 'UNAVAILABLE' as const }
        : { agent_status: { id: statusId(statusName) } };
  const params = { path: { agent_id: agentId } };
  return as === 'admin'
    ? dataOf(await freshchat.PATCH('/agents/{agent_id}', { params, body }))
    : dataOf(await control.POST('/_mock/agents/{agent_id}/status', { params, body }));
}

main().then(
  () => {
    console.log('\nWalkthrough complete.');
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`\nWalkthrough FAILED at step ${currentStep}: ${message}`);
    process.exitCode = 1;
  },
);
