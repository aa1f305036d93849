import type { KeyObject } from 'node:crypto';
import type { RouteOperationId } from '../../generated/documents.js';
import { emailFromName } from '../agents/agent-email.js';
import { AgentRoster, type AgentRoutingType } from '../agents/agent-roster.js';
import { type BuiltInStatusIds, StatusCatalog } from '../agents/agent-status.js';
import { DomainError } from '../domain-error.js';
import { StatusHistory } from '../history/status-history.js';
import { type IdSource, randomIds } from '../id-source.js';
import type { ReportJob } from '../reports/report-job.js';
import { simulateFloor } from '../simulation/simulated-floor.js';
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

/** What a simulation created. */
export type SimulationOutcome = { agentIds: string[]; changes: number; from: number; to: number };

/** What an account asks of the sandbox around it: new ids, its signing key, and a place to keep that key. */
export type AccountHooks = {
  newId: IdSource;
  onKeyPair: (account: Account, privateKeyPem: string) => void;
  /** Makes the account's signing key on first use; a random one when left out. */
  makeKey?: ((appId: string) => KeyObject | undefined) | undefined;
};

/** Limits that apply to every account. */
export type AccountLimits = {
  /** Requests per minute across the account's `/v2` operations. */
  requestsPerMinute: number;
  /** Report requests accepted per minute. */
  reportsPerMinute: number;
  /** Journal entries kept. */
  journalCapacity: number;
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

  private constructor(
    readonly token: string,
    readonly appId: string,
    readonly adminId: string,
    builtInStatusIds: BuiltInStatusIds,
    limits: AccountLimits,
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
    );
    this.journal = new RequestJournal(limits.journalCapacity);
    this.requestRateWindow = new RateWindow(limits.requestsPerMinute, 60_000);
    this.reportRateWindow = new RateWindow(limits.reportsPerMinute, 60_000);
  }

  /**
   * The window that counts this operation's requests, whose state its answers show in `X-RateLimit-*`: a raw report
   * request's own one-a-minute window, every other `/v2` operation's general one.
   */
  rateWindowFor(operationId: RouteOperationId): RateWindow {
    return operationId === 'requestRawReport' ? this.reportRateWindow : this.requestRateWindow;
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
    simulationWindow(request, now);
    return Array.from({ length: request.agents }, () => {
      const id = this.hooks.newId();
      // Not a client's mistake: an id source that repeats itself is broken.
      if (this.agents.has(id)) throw new Error(`the id source gave ${id} again`);
      return id;
    });
  }

  /** Creates the simulated agents `planSimulation` named, as of `now`: the floor is a pure function of the request. */
  applySimulation(request: SimulationRequest, now: number, agentIds: string[]): SimulationOutcome {
    const window = simulationWindow(request, now);
    const ref = (id: string) => {
      const status = this.statuses.get(id);
      return { id: status.id, name: status.name, active: this.statuses.isActive(status.id) };
    };
    const floor = simulateFloor(request, window, {
      active: ref(this.statuses.active.id),
      unavailable: ref(this.statuses.unavailable.id),
      custom: this.statuses.custom().map((s) => ref(s.id)),
    });
    if (floor.agents.length !== agentIds.length) throw new RangeError('a simulation names one id per agent');
    this.history.backfill({ ...floor, agentIds, actors: agentIds.map((id) => ({ type: 'agent' as const, id })) }, now);
    floor.agents.forEach((simulated, a) => {
      this.agents.enroll({
        id: agentIds[a] as string,
        firstName: simulated.firstName,
        lastName: simulated.lastName,
        email: emailFromName(simulated.firstName, simulated.lastName, agentIds[a] as string),
        isDeactivated: false,
        loginStatus: true,
        routingType: simulated.routingType,
        groups: [],
        createdAt: window.from,
      });
    });
    return { agentIds, changes: floor.length, from: window.from, to: window.to };
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
