/**
 * The commands of one account, and of the clock: each decides against the state (refusing with a `DomainError`,
 * changing nothing), returns its events to `Commands.execute` (`sandbox.commands`), which has the sink take them and applies them, then
 * answers. The sandbox-wide commands (status changes, accounts, reset) are `Sandbox` methods.
 */
import type { Account } from '../accounts/account.js';
import type { Fault, FaultInput } from '../accounts/fault-plan.js';
import { tooManyRequests } from '../accounts/rate-window.js';
import type { Agent, AgentPlan } from '../agents/agent-roster.js';
import type { AgentStatus } from '../agents/agent-status.js';
import type { ClockReading } from '../clock/virtual-clock.js';
import { DomainError } from '../domain-error.js';
import { checkReportWindow, type ReportJob, type ReportRequest } from '../reports/report-job.js';
import type { Sandbox } from '../sandbox.js';
import type { SimulationOutcome } from '../simulation/account-simulation.js';
import { simulateFloorSteps } from '../simulation/simulated-floor.js';
import { type SimulationRequest, simulationWindow } from '../simulation/simulation-window.js';
import type { WebhookSubscription } from '../webhooks/webhook-subscriptions.js';
import type { Pending } from './event-sink.js';

/** Creates a custom status (`id` may be given); `invalid` for a blank name, `conflict` for a name or id taken. */
export function createStatus(
  sandbox: Sandbox,
  account: Account,
  input: { name: string; emoji?: string | undefined; id?: string | undefined },
): Pending<AgentStatus> {
  return sandbox.commands.execute(() => {
    const status = account.statuses.planCreate(input);
    return {
      events: [{ type: 'statusCreated', app: account.appId, status }],
      answer: () => account.statuses.get(status.id),
    };
  });
}

/** Renames a custom status or changes its emoji; `forbidden` for a built-in one, `conflict` for a name taken. */
export function renameStatus(
  sandbox: Sandbox,
  account: Account,
  statusId: string,
  patch: { name?: string | undefined; emoji?: string | undefined },
): Pending<AgentStatus> {
  return sandbox.commands.execute(() => {
    const change = account.statuses.planUpdate(statusId, patch);
    return {
      events: [{ type: 'statusRenamed', app: account.appId, statusId, ...change }],
      answer: () => account.statuses.get(statusId),
    };
  });
}

/** Deletes a custom status; `conflict` while an agent is on it. */
export function deleteStatus(sandbox: Sandbox, account: Account, statusId: string): Pending<void> {
  return sandbox.commands.execute(() => {
    account.statuses.checkDelete(statusId, account.agents.countOn(statusId));
    return { events: [{ type: 'statusDeleted', app: account.appId, statusId }], answer: () => {} };
  });
}

/** Creates an agent as the control API does, at the clock's time (see `AgentRoster.hire`). */
export function hireAgent(
  sandbox: Sandbox,
  account: Account,
  input: Omit<Parameters<Account['agents']['hire']>[0], 'actor'>,
): Pending<Agent> {
  return sandbox.commands.execute(() => {
    const plan: AgentPlan = account.agents.planHire(
      { ...input, actor: { type: 'admin', id: account.adminId } },
      sandbox.clock.now(),
    );
    return {
      events: [{ type: 'agentHired', app: account.appId, ...plan }],
      answer: () => account.agents.get(plan.agent.id),
    };
  });
}

/** Logs an agent in or out; `not_found` for an unknown agent. */
export function setAgentLogin(sandbox: Sandbox, account: Account, agentId: string, loggedIn: boolean): Pending<Agent> {
  return sandbox.commands.execute(() => {
    account.agents.get(agentId);
    return {
      events: [{ type: loggedIn ? 'agentLoggedIn' : 'agentLoggedOut', app: account.appId, agentId }],
      answer: () => account.agents.get(agentId),
    };
  });
}

/** Subscribes a URL (idempotent per URL: `created` is false for one already subscribed). */
export function subscribe(
  sandbox: Sandbox,
  account: Account,
  url: string,
): Pending<{ subscription: WebhookSubscription; created: boolean }> {
  return sandbox.commands.execute(() => {
    const planned = account.webhooks.plan(url, sandbox.clock.now());
    return {
      events: planned.created
        ? [{ type: 'subscriptionAdded', app: account.appId, subscription: planned.subscription }]
        : [],
      answer: () => planned,
    };
  });
}

/** Removes a subscription; `not_found` for an unknown one. */
export function unsubscribe(sandbox: Sandbox, account: Account, subscriptionId: string): Pending<void> {
  return sandbox.commands.execute(() => {
    account.webhooks.checkRemove(subscriptionId);
    return { events: [{ type: 'subscriptionRemoved', app: account.appId, subscriptionId }], answer: () => {} };
  });
}

/** Adds a fault. */
export function addFault(sandbox: Sandbox, account: Account, input: FaultInput): Pending<Fault> {
  return sandbox.commands.execute(() => {
    const fault = account.faults.plan(input);
    return { events: [{ type: 'faultAdded', app: account.appId, fault }], answer: () => fault };
  });
}

/** Removes one fault; `not_found` for an unknown one. */
export function removeFault(sandbox: Sandbox, account: Account, faultId: string): Pending<void> {
  return sandbox.commands.execute(() => {
    account.faults.checkRemove(faultId);
    return { events: [{ type: 'faultRemoved', app: account.appId, faultId }], answer: () => {} };
  });
}

/** Removes every fault. */
export function clearFaults(sandbox: Sandbox, account: Account): Pending<void> {
  return sandbox.commands.execute(() => ({
    events: [{ type: 'faultsCleared', app: account.appId }],
    answer: () => {},
  }));
}

/** The faults a request to `operation` takes: added latency, a dropped connection, else a forced error. */
export type RequestFaults = { latency?: Fault | undefined; drop?: Fault | undefined; error?: Fault | undefined };

/** Takes (uses up once) the faults a Freshchat request to `operation` meets; none taken, no event. */
export function takeRequestFaults(sandbox: Sandbox, account: Account, operation: string): Pending<RequestFaults> {
  return sandbox.commands.execute(() => {
    const latency = account.faults.find('latency', operation);
    const drop = account.faults.find('drop_connection', operation);
    const error = drop ? undefined : account.faults.find('error', operation);
    const taken = [latency, drop, error].filter((fault) => fault !== undefined);
    return {
      events: taken.map((fault) => ({ type: 'faultUsed' as const, app: account.appId, faultId: fault.id })),
      answer: () => ({ latency, drop, error }),
    };
  });
}

/**
 * Creates agents with simulated history (see `Account.simulate`), in steps of a few milliseconds so that other
 * requests are answered meanwhile: the floor is made first (changing nothing), then the `historySimulated` event is
 * decided, kept and applied in steps (`Commands.executeInSteps`). A floor made with statuses that changed meanwhile is
 * made again; one account takes one simulation at a time, a second waiting for the first.
 *
 * @example
 * const steps = simulateHistorySteps(sandbox, account, { agents: 5000, days: 40, seed: 1 });
 * for (let step = steps.next(); !step.done; step = steps.next()) await new Promise(setImmediate);
 */
export function* simulateHistorySteps(
  sandbox: Sandbox,
  account: Account,
  request: SimulationRequest,
): Generator<void, Pending<SimulationOutcome>> {
  for (;;) {
    const at = sandbox.clock.now();
    account.simulation.check(request, at);
    const statuses = account.simulation.floorStatuses();
    const floor = yield* simulateFloorSteps(request, simulationWindow(request, at), statuses);
    while (account.simulation.busy) yield;
    if (!sandbox.holds(account)) {
      throw new DomainError(
        'conflict',
        'ACCOUNT_RESET',
        'agents: the account was reset while the simulation was being made; send it again',
      );
    }
    // The floor depends on the statuses; replaying the event makes it with those of the moment it is applied.
    if (JSON.stringify(account.simulation.floorStatuses()) !== JSON.stringify(statuses)) continue;
    return yield* sandbox.commands.executeInSteps(() => {
      const agentIds = account.simulation.plan(request, at);
      return {
        events: [{ type: 'historySimulated', app: account.appId, request, agentIds, at }],
        applySteps: () => account.simulation.applySteps(request, at, agentIds, floor),
        answer: () => ({ agentIds, changes: floor.length, from: floor.from, to: floor.to }),
      };
    });
  }
}

/** Moves the clock forward by `seconds`. */
export function advanceClock(sandbox: Sandbox, seconds: number): Pending<void> {
  return sandbox.commands.execute(() => ({
    events: [{ type: 'clockSet', how: 'advanced', clock: sandbox.clock.planAdvance(seconds) }],
    answer: () => {},
  }));
}

/** Sets the clock to `now` (never back), and/or freezes or unfreezes it; an empty request changes nothing. Answers the reading it left. */
export function setClock(
  sandbox: Sandbox,
  request: { now?: string | undefined; frozen?: boolean | undefined },
): Pending<ClockReading> {
  return sandbox.commands.execute(() => {
    const { clock } = sandbox;
    // The answer is the clock as the change left it, not read again after it: a clock following real time has
    // moved on by then.
    if (request.now !== undefined) {
      const reading = clock.planSet(Date.parse(request.now), { frozen: request.frozen });
      return { events: [{ type: 'clockSet', how: 'set', clock: reading }], answer: () => reading };
    }
    if (request.frozen === undefined || request.frozen === clock.frozen) {
      const reading = clock.reading();
      return { events: [], answer: () => reading };
    }
    const how = request.frozen ? 'frozen' : 'unfrozen';
    const reading = clock.planFrozen(request.frozen);
    return { events: [{ type: 'clockSet', how, clock: reading }], answer: () => reading };
  });
}

/**
 * Accepts a report request: the window rules first, then the one-per-minute limit (a rejected request does not
 * use it up), then a `report_failure` fault if one is set, else a `report_part_status` fault and a
 * `report_split` fault; and a `report_interval` fault either way (a FAILED job has an interval too).
 */
export function requestReport(sandbox: Sandbox, account: Account, request: ReportRequest): Pending<ReportJob> {
  return sandbox.commands.execute(() => {
    const now = sandbox.clock.now();
    const window = checkReportWindow(request, now);
    if (!account.reportRateWindow.hasRoom(now)) {
      // The report window refused it: its headers describe that window, not the general one.
      throw tooManyRequests(
        account.reportRateWindow.state(now),
        account.reportRateWindow.retryAfterSeconds(now),
        `only ${account.reportRateWindow.limit} report request is accepted per minute`,
      );
    }
    const failure = account.faults.find('report_failure');
    const partFault = failure ? undefined : account.faults.find('report_part_status');
    const splitFault = failure ? undefined : account.faults.find('report_split');
    const intervalFault = account.faults.find('report_interval');
    const job: ReportJob = {
      id: sandbox.newId(),
      event: request.event,
      start: window.start,
      end: window.end,
      excludePii: request.should_exclude_pii ?? false,
      requestedAt: now,
      completesAt: now + sandbox.reportDelayMs,
      failing: failure !== undefined,
      lastPartStatus: partFault?.status as ReportJob['lastPartStatus'],
      split: splitFault && (splitFault.parts === undefined ? 'utc_day' : { parts: splitFault.parts }),
      intervalSeparator: intervalFault?.separator,
    };
    const used = [failure ?? partFault, splitFault, intervalFault].filter((fault) => fault !== undefined);
    return {
      events: [
        ...used.map((fault) => ({ type: 'faultUsed' as const, app: account.appId, faultId: fault.id })),
        { type: 'reportRequested', app: account.appId, job },
      ],
      answer: () => job,
    };
  });
}
