import type { KeyObject } from 'node:crypto';
import type { RouteOperationId } from '../../generated/documents.js';
import { AgentRoster } from '../agents/agent-roster.js';
import { type BuiltInStatusIds, StatusCatalog } from '../agents/agent-status.js';
import { DomainError } from '../domain-error.js';
import type { SandboxEvent } from '../events/sandbox-event.js';
import { StatusHistory } from '../history/status-history.js';
import { type IdSource, randomIds } from '../id-source.js';
import type { ReportJob } from '../reports/report-job.js';
import type { AccountSeed } from '../seed-file.js';
import { AccountSimulation } from '../simulation/account-simulation.js';
import { WebhookSubscriptions } from '../webhooks/webhook-subscriptions.js';
import { FaultPlan } from './fault-plan.js';
import { RateWindow } from './rate-window.js';
import { RequestJournal } from './request-journal.js';

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
  /** Raw report requests' own window: `reportsPerMinute` (one by default) a minute (see `requestReport`). */
  readonly reportRateWindow: RateWindow;
  /** The agents and history simulated in it, within `limits.simulatedAgentDays`. */
  readonly simulation: AccountSimulation;
  /** The seed the account was made from, with its token and ids: what a reset of the account alone returns to. */
  private made: AccountSeed | undefined;

  private constructor(
    readonly token: string,
    readonly appId: string,
    readonly adminId: string,
    builtInStatusIds: BuiltInStatusIds,
    readonly limits: AccountLimits,
    hooks: AccountHooks,
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
    this.simulation = new AccountSimulation(
      this.agents,
      this.statuses,
      this.history,
      hooks.newId,
      limits.simulatedAgentDays,
    );
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
        account.simulation.simulate(seed.simulate, now);
      } catch (error) {
        throw prefixed(error, 'simulate.');
      }
    }
    return account;
  }

  /**
   * Applies an event that concerns this account alone. Like `Sandbox.apply`, it reads no clock and draws no id: the
   * event carries them. (`reportRequested` also touches the sandbox's index of reports, so `Sandbox.apply` handles it.)
   */
  apply(event: Exclude<Extract<SandboxEvent, { app: string }>, { type: 'reportRequested' }>): void {
    switch (event.type) {
      case 'statusChanged':
        this.history.record(event);
        break;
      case 'statusChanges':
        this.history.append(event.changes);
        break;
      case 'agentHired':
        this.agents.put(event);
        break;
      case 'agentLoggedIn':
      case 'agentLoggedOut':
        this.agents.setLoginStatus(event.agentId, event.type === 'agentLoggedIn');
        break;
      case 'statusCreated':
        this.statuses.put(event.status);
        break;
      case 'statusRenamed':
        this.statuses.rename(event.statusId, event);
        break;
      case 'statusDeleted':
        this.statuses.remove(event.statusId);
        break;
      case 'subscriptionAdded':
        this.webhooks.put(event.subscription);
        break;
      case 'subscriptionRemoved':
        this.webhooks.remove(event.subscriptionId);
        break;
      case 'webhookKeyMade':
        this.webhooks.restoreKeyPair(event.privateKeyPem);
        break;
      case 'faultAdded':
        this.faults.put(event.fault);
        break;
      case 'faultUsed':
        this.faults.use(event.faultId);
        break;
      case 'faultRemoved':
        this.faults.remove(event.faultId);
        break;
      case 'faultsCleared':
        this.faults.clear();
        break;
      case 'historySimulated':
        this.simulation.apply(event.request, event.at, event.agentIds);
        break;
      default:
        throw new Error(`no way to apply ${JSON.stringify((event as { type: unknown }).type)}`);
    }
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
