import type { KeyObject } from 'node:crypto';
import type { RouteOperationId } from '../../generated/documents.js';
import { emailFromName } from '../agents/agent-email.js';
import { type Agent, AgentRoster, type AgentRoutingType } from '../agents/agent-roster.js';
import { type BuiltInStatusIds, StatusCatalog } from '../agents/agent-status.js';
import { DomainError } from '../domain-error.js';
import { StatusHistory } from '../history/status-history.js';
import { type IdSource, randomIds } from '../id-source.js';
import type { ReportJob } from '../reports/report-job.js';
import { type FloorStatuses, type SimulatedFloor, simulateFloorSteps } from '../simulation/simulated-floor.js';
import { type SimulationRequest, simulationWindow } from '../simulation/simulation-window.js';
import { WebhookSubscriptions } from '../webhooks/webhook-subscriptions.js';
import { FaultPlan } from './fault-plan.js';
import { RateWindow } from './rate-window.js';
import { RequestJournal } from './request-journal.js';

/** An account's starting data, as a seed file or `POST /_mock/accounts` gives it. */
export type AccountSeed = {
  token?: string | undefined;
  app_id?: string | undefined;
  admin_id?: string | undefined;
  /** The ids of the two built-in statuses; new ones (random, or from the id seed) when left out. */
  built_in_status_ids?: BuiltInStatusIds | undefined;
  statuses?: { id?: string | undefined; name: string; emoji?: string | undefined }[] | undefined;
  agents?:
    | {
        id?: string | undefined;
        first_name: string;
        last_name: string;
        email?: string | undefined;
        agent_status_id?: string | undefined;
        since?: string | undefined;
        is_deactivated?: boolean | undefined;
        login_status?: boolean | undefined;
        routing_type?: AgentRoutingType | undefined;
        groups?: string[] | undefined;
      }[]
    | undefined;
  /** The RSA private key (PEM) that signs the account's webhooks; made on first use when left out. */
  webhook_private_key?: string | undefined;
  simulate?: SimulationRequest | undefined;
};

/** Simulated agents' records made between two steps of a simulation. */
const AGENTS_PER_STEP = 500;

/** What a simulation created. */
export type SimulationOutcome = { agentIds: string[]; changes: number; from: number; to: number };

/** What an account asks of the sandbox around it: new ids, its signing key, and a place to keep that key. */
export type AccountHooks = {
  newId: IdSource;
  onKeyPair: (account: Account, privateKeyPem: string) => void;
  /** Makes the account's signing key on first use; a random one when left out. */
  makeKey?: ((appId: string) => Promise<KeyObject> | undefined) | undefined;
};

/** Limits that apply to every account. */
export type AccountLimits = {
  /** Requests per minute across the account's `/v2` operations. */
  requestsPerMinute: number;
  /** Report requests accepted per minute. */
  reportsPerMinute: number;
  /** Journal entries kept. */
  journalCapacity: number;
  /** Webhook subscriptions an account may hold; past it, `409 SUBSCRIPTION_LIMIT`. */
  webhookSubscriptions: number;
  /** Simulated agent-days an account may hold in all (until a reset); past it, `409 SIMULATION_LIMIT`. */
  simulatedAgentDays: number;
  /** Report jobs kept; the oldest is forgotten when a new one is accepted past it. */
  reportJobsKept: number;
};

/**
 * One Freshchat account in the sandbox: its token, statuses, agents and their history, report jobs, rate-limit
 * windows, faults, journal and webhook subscriptions. Accounts share nothing.
 */
export class Account {
  readonly statuses: StatusCatalog;
  readonly history = new StatusHistory();
  readonly agents: AgentRoster;
  readonly reports = new Map<string, ReportJob>();
  readonly faults: FaultPlan;
  readonly webhooks: WebhookSubscriptions;
  readonly journal: RequestJournal;
  /** Every `/v2` request's window: `requestsPerMinute` a minute. */
  readonly requestRateWindow: RateWindow;
  /** Raw report requests' own window: `reportsPerMinute` (one by default) a minute; see `Sandbox.requestReport`. */
  readonly reportRateWindow: RateWindow;
  /** Agent-days simulated so far (see `limits.simulatedAgentDays`). */
  private simulatedAgentDays = 0;
  private applyingSimulation = false;
  /** The seed the account was made from, with its token and ids: what a reset of the account alone returns to. */
  private made: AccountSeed | undefined;

  private constructor(
    readonly token: string,
    readonly appId: string,
    readonly adminId: string,
    builtInStatusIds: BuiltInStatusIds,
    readonly limits: AccountLimits,
    private readonly hooks: AccountHooks,
  ) {
    this.statuses = new StatusCatalog(hooks.newId, builtInStatusIds);
    this.agents = new AgentRoster(this.statuses, this.history, hooks.newId);
    this.faults = new FaultPlan(hooks.newId);
    const makeKey = hooks.makeKey;
    this.webhooks = new WebhookSubscriptions(
      hooks.newId,
      (pem) => hooks.onKeyPair(this, pem),
      makeKey && (() => makeKey(appId)),
      limits.webhookSubscriptions,
    );
    this.journal = new RequestJournal(limits.journalCapacity);
    this.requestRateWindow = new RateWindow(limits.requestsPerMinute, 60_000);
    this.reportRateWindow = new RateWindow(limits.reportsPerMinute, 60_000);
  }

  /** Builds an account from a seed at clock time `now`. Invalid references in the seed are `invalid`, naming them. */
  static fromSeed(
    seed: AccountSeed,
    now: number,
    limits: AccountLimits,
    hooks: AccountHooks = { newId: randomIds, onKeyPair: () => {} },
  ): Account {
    const account = new Account(
      seed.token ?? `sbx_${hooks.newId().replaceAll('-', '')}`,
      seed.app_id ?? hooks.newId(),
      seed.admin_id ?? hooks.newId(),
      seed.built_in_status_ids ?? { active: hooks.newId(), unavailable: hooks.newId() },
      limits,
      hooks,
    );
    account.made = {
      ...seed,
      token: account.token,
      app_id: account.appId,
      admin_id: account.adminId,
      built_in_status_ids: { active: account.statuses.active.id, unavailable: account.statuses.unavailable.id },
    };
    if (seed.webhook_private_key !== undefined) account.webhooks.restoreKeyPair(seed.webhook_private_key);
    seed.statuses?.forEach((status, i) => {
      try {
        account.statuses.create(status);
      } catch (error) {
        throw prefixed(error, `statuses[${i}].`);
      }
    });
    // History is kept in clock order, so agents are added in the order of their `since`.
    const agents = (seed.agents ?? []).map((agent, i) => ({
      agent,
      i,
      since: agent.since === undefined ? now : Date.parse(agent.since),
    }));
    agents.sort((a, b) => a.since - b.since);
    for (const { agent, i, since } of agents) {
      if (since > now)
        throw new DomainError('invalid', 'INVALID_VALUE', `agents[${i}].since: must not be in the future`);
      try {
        account.agents.add({
          id: agent.id,
          firstName: agent.first_name,
          lastName: agent.last_name,
          email: agent.email,
          isDeactivated: agent.is_deactivated,
          loginStatus: agent.login_status,
          routingType: agent.routing_type,
          groups: agent.groups,
          statusId: agent.agent_status_id,
          createdAt: Math.min(since, now),
          since,
          actor: { type: 'admin', id: account.adminId },
        });
      } catch (error) {
        throw prefixed(error, `agents[${i}].`);
      }
    }
    // The admin is one of the account's agents, as in Freshchat: the token's owner, the actor of API changes.
    if (!account.agents.has(account.adminId)) {
      account.agents.add({
        id: account.adminId,
        firstName: 'Account',
        lastName: 'Admin',
        email: undefined,
        isDeactivated: false,
        loginStatus: true,
        routingType: undefined,
        groups: undefined,
        statusId: undefined,
        createdAt: now,
        since: now,
        actor: { type: 'admin', id: account.adminId },
      });
    }
    if (seed.simulate) {
      try {
        account.simulate(seed.simulate, now);
      } catch (error) {
        throw prefixed(error, 'simulate.');
      }
    }
    return account;
  }

  /**
   * Creates `request.agents` new agents with simulated status history over the `days` before `until` (default
   * `now`), backfilled: the history lies in the past and sends no webhooks. Ids come from the sandbox's id source.
   * Reports completed before `now` do not show the new agents.
   */
  simulate(request: SimulationRequest, now: number): SimulationOutcome {
    return this.applySimulation(request, now, this.planSimulation(request, now));
  }

  /** The ids of the agents `simulate` would create, drawn; refused as `simulate` refuses. Nothing changes. */
  planSimulation(request: SimulationRequest, now: number): string[] {
    this.checkSimulation(request, now);
    return Array.from({ length: request.agents }, () => {
      const id = this.hooks.newId();
      // Not a client's mistake: an id source that repeats itself is broken.
      if (this.agents.has(id)) throw new Error(`the id source gave ${id} again`);
      return id;
    });
  }

  /** Refuses what `simulate` refuses (the window, the account's simulated agent-days); nothing is drawn. */
  checkSimulation(request: SimulationRequest, now: number): void {
    simulationWindow(request, now);
    const asked = request.agents * request.days;
    const left = this.limits.simulatedAgentDays - this.simulatedAgentDays;
    if (asked > left) {
      throw new DomainError(
        'conflict',
        'SIMULATION_LIMIT',
        `agents: an account holds at most ${this.limits.simulatedAgentDays} simulated agent-days; ${left} are left, ${asked} asked`,
      );
    }
  }

  /** The statuses a simulated floor is made of, as the account has them now (the floor depends on them). */
  floorStatuses(): FloorStatuses {
    const ref = (id: string) => {
      const status = this.statuses.get(id);
      return { id: status.id, name: status.name, active: this.statuses.isActive(status.id) };
    };
    return {
      active: ref(this.statuses.active.id),
      unavailable: ref(this.statuses.unavailable.id),
      custom: this.statuses.custom().map((s) => ref(s.id)),
    };
  }

  /** Creates the simulated agents `planSimulation` named, as of `now`: the floor is a pure function of the request. */
  applySimulation(request: SimulationRequest, now: number, agentIds: string[]): SimulationOutcome {
    const steps = this.applySimulationSteps(request, now, agentIds);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /**
   * {@link applySimulation} in steps of a few milliseconds, with the floor made already when it is given (it must be
   * `simulateFloor` of the request, its window as of `now` and {@link floorStatuses}). The new agents appear at the
   * last step; one account takes one simulation at a time (see `StatusHistory.backfillSteps`).
   */
  *applySimulationSteps(
    request: SimulationRequest,
    now: number,
    agentIds: string[],
    made?: SimulatedFloor,
  ): Generator<void, SimulationOutcome> {
    if (this.applyingSimulation) throw new RangeError('a simulation is being applied already');
    this.applyingSimulation = true;
    try {
      return yield* this.simulationSteps(request, now, agentIds, made);
    } finally {
      this.applyingSimulation = false;
    }
  }

  /** Whether a simulation is being applied in steps: another must wait until it is done. */
  get simulating(): boolean {
    return this.applyingSimulation;
  }

  private *simulationSteps(
    request: SimulationRequest,
    now: number,
    agentIds: string[],
    made: SimulatedFloor | undefined,
  ): Generator<void, SimulationOutcome> {
    const window = simulationWindow(request, now);
    // Agents hired between the steps come after the simulated ones, as when the events are applied one by one.
    const position = this.agents.size;
    const floor = made ?? (yield* simulateFloorSteps(request, window, this.floorStatuses()));
    if (floor.agents.length !== agentIds.length) throw new RangeError('a simulation names one id per agent');
    const agents: Agent[] = [];
    for (const [a, simulated] of floor.agents.entries()) {
      const id = agentIds[a] as string;
      agents.push({
        id,
        firstName: simulated.firstName,
        lastName: simulated.lastName,
        email: emailFromName(simulated.firstName, simulated.lastName, id),
        isDeactivated: false,
        loginStatus: true,
        routingType: simulated.routingType,
        groups: [],
        createdAt: window.from,
      });
      if (a % AGENTS_PER_STEP === AGENTS_PER_STEP - 1) yield;
    }
    yield* this.history.backfillSteps(
      { ...floor, agentIds, actors: agentIds.map((id) => ({ type: 'agent' as const, id })) },
      now,
    );
    this.agents.enrollAt(agents, position);
    this.simulatedAgentDays += request.agents * request.days;
    return { agentIds, changes: floor.length, from: window.from, to: window.to };
  }

  /** The seed the account was made from, its token and ids filled in: a reset of this account alone loads it. */
  get seed(): AccountSeed {
    return this.made ?? { token: this.token, app_id: this.appId, admin_id: this.adminId };
  }

  /** Agent's display name, as reports write it. */
  agentName(agentId: string): string {
    const agent = this.agents.get(agentId);
    return `${agent.firstName} ${agent.lastName}`.trim();
  }

  /** The report job with this id; `not_found` when the account has none (another account's ids included). */
  report(id: string): ReportJob {
    const job = this.reports.get(id);
    if (!job) throw new DomainError('not_found', 'REPORT_NOT_FOUND', 'id: report not found');
    return job;
  }
}

/** Seed errors name the seed's field path, not just the field. */
function prefixed(error: unknown, prefix: string): unknown {
  if (!(error instanceof DomainError)) return error;
  const kind = error.kind === 'not_found' ? 'invalid' : error.kind;
  return new DomainError(kind, kind === 'invalid' ? 'INVALID_VALUE' : error.code, `${prefix}${error.message}`);
}

/** An account's rate windows, by the name of the field that holds each. */
export type RateWindowName = 'requestRateWindow' | 'reportRateWindow';

/**
 * The window whose state an operation's answers show in `X-RateLimit-*`: a raw report request's own one-a-minute
 * window, every other `/v2` operation's general one. Decided once per route, not per request.
 *
 * @example
 * account[rateWindowOf('requestRawReport')].state(now); // the report window's limit, remaining and reset
 */
export function rateWindowOf(operationId: RouteOperationId): RateWindowName {
  return operationId === 'requestRawReport' ? 'reportRateWindow' : 'requestRateWindow';
}
