import { hash } from 'node:crypto';
import { fieldPath } from '@freshchat-sandbox/openapi/field-path';
import { seedFileValidator } from '../generated/validators.js';
import { Account, type AccountHooks, type AccountLimits, type AccountSeed } from './accounts/account.js';
import { DEFAULT_SEED } from './accounts/default-seed.js';
import { tooManyRequests } from './accounts/rate-window.js';
import type { StatusChange, StatusChangeResult } from './agents/agent-roster.js';
import { VirtualClock } from './clock/virtual-clock.js';
import { DomainError } from './domain-error.js';
import type { Actor } from './history/history-entry.js';
import { type IdSource, randomIds, seededIds } from './id-source.js';
import { DownloadLinkSigner } from './reports/download-link.js';
import { checkReportWindow, type ReportJob, type ReportRequest } from './reports/report-job.js';
import { seededRsaKey } from './webhooks/seeded-key-pair.js';

/** A seed file: the accounts the sandbox starts with, and returns to on reset. The first is the default. */
export type SeedFile = { accounts: AccountSeed[] };

/** How a sandbox is set up. Every field has a default. */
export type SandboxOptions = {
  /** The accounts to start with; the document's examples by default. */
  seed?: SeedFile | undefined;
  /** The clock; a fresh one following real time by default. */
  clock?: VirtualClock | undefined;
  /** Clock-seconds from a report request to its completion (30 by default). */
  reportDelaySeconds?: number | undefined;
  /** Per-account limits, and the number of accounts. */
  limits?: Partial<SandboxLimits> | undefined;
  /**
   * A seed for every id, token, link secret and signing key the sandbox makes: two sandboxes with one seed, given the
   * same requests, make the same ones. Random when left out.
   */
  idSeed?: number | undefined;
  /** Where new ids come from, overriding `idSeed`'s (a durable sandbox records and replays them). */
  ids?: IdSource | undefined;
  /** The secret that signs download links; random by default (a durable sandbox keeps it across restarts). */
  linkSecret?: string | undefined;
  /** Told when an account makes its webhook signing key (a durable sandbox keeps it). */
  onKeyPair?: AccountHooks['onKeyPair'] | undefined;
};

/** A status change that happened, for whoever listens (the webhook dispatcher). */
export type StatusChangeEvent = { account: Account; result: StatusChangeResult; actor: Actor; at: number };

/** The limits of every account, and how many accounts a sandbox holds. */
export type SandboxLimits = AccountLimits & {
  /** Accounts a sandbox holds, the seed's included; past it, `409 ACCOUNT_LIMIT`. */
  accounts: number;
};

/** The documented bounds (the control API's descriptions and the README name them). */
const DEFAULT_LIMITS: SandboxLimits = {
  requestsPerMinute: 5000,
  reportsPerMinute: 1,
  journalCapacity: 1000,
  webhookSubscriptions: 100,
  simulatedAgentDays: 1_000_000,
  reportJobsKept: 1000,
  accounts: 1000,
};

/** Checks a seed against the control API's `SeedFile` schema, naming the offending field. */
export function checkSeedFile(seed: unknown): SeedFile {
  if (!seedFileValidator(seed)) {
    const error = seedFileValidator.errors?.[0];
    const field = fieldPath(error?.instancePath ?? '') || 'seed';
    throw new DomainError('invalid', 'INVALID_SEED', `${field}: ${error?.message ?? 'invalid'}`);
  }
  return seed as SeedFile;
}

/**
 * The whole sandbox: accounts by token, the clock, the link signer and the rules that span modules (report
 * requests, status changes). Plain TypeScript, no HTTP: the routes translate to and from these calls.
 *
 * @example
 * const sandbox = new Sandbox({ reportDelaySeconds: 5 });
 * const account = sandbox.authenticate('sandbox-token');
 */
export class Sandbox {
  readonly clock: VirtualClock;
  readonly links: DownloadLinkSigner;
  readonly reportDelayMs: number;
  readonly limits: SandboxLimits;
  private readonly seed: SeedFile;
  private accounts = new Map<string, Account>();
  private reportOwners = new Map<string, Account>();
  private readonly listeners = new Set<(event: StatusChangeEvent) => void>();
  private readonly resetListeners = new Set<() => void>();
  private readonly hooks: AccountHooks;

  constructor(options: SandboxOptions = {}) {
    this.clock = options.clock ?? new VirtualClock();
    const seed = options.idSeed;
    const newId = options.ids ?? (seed === undefined ? randomIds : seededIds(seed));
    this.links = new DownloadLinkSigner(options.linkSecret ?? (seed === undefined ? undefined : newId()));
    this.hooks = {
      newId,
      onKeyPair: options.onKeyPair ?? (() => {}),
      // A seeded account's key depends on the seed and its app id alone, not on when it first signs.
      makeKey: seed === undefined ? undefined : (appId) => seededRsaKey(seed, appId),
    };
    this.reportDelayMs = (options.reportDelaySeconds ?? 30) * 1000;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.seed = checkSeedFile(options.seed ?? DEFAULT_SEED);
    this.load();
  }

  /** A new id from the sandbox's id source (seeded or random), for what the sandbox makes outside an account. */
  newId(): string {
    return this.hooks.newId();
  }

  /** The account a token reaches, or undefined. Tokens are compared by their SHA-256, which takes the same time whatever the token. */
  authenticate(token: string): Account | undefined {
    return this.accounts.get(tokenKey(token));
  }

  /** Every account, the default one first. */
  allAccounts(): Account[] {
    return [...this.accounts.values()];
  }

  /** Creates an account from a seed; a `conflict` when its token or app id is taken. */
  createAccount(seed: AccountSeed): Account {
    if (this.accounts.size >= this.limits.accounts) {
      throw new DomainError(
        'conflict',
        'ACCOUNT_LIMIT',
        `a sandbox holds at most ${this.limits.accounts} accounts; reset it to start again`,
      );
    }
    if (seed.token !== undefined && this.authenticate(seed.token)) {
      throw new DomainError('conflict', 'ACCOUNT_EXISTS', 'token: an account with this token exists');
    }
    if (seed.app_id !== undefined && this.allAccounts().some((a) => a.appId === seed.app_id)) {
      throw new DomainError('conflict', 'ACCOUNT_EXISTS', 'app_id: an account with this app id exists');
    }
    const account = Account.fromSeed(seed, this.clock.now(), this.limits, this.hooks);
    this.accounts.set(tokenKey(account.token), account);
    return account;
  }

  /** Every account back to the seed; the clock keeps its time. */
  reset(): void {
    this.clock.clearTasks();
    for (const listener of this.resetListeners) listener();
    this.load();
  }

  /** Listens to every status change of every account. Returns the function that stops listening. */
  onStatusChange(listener: (event: StatusChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `listener` on every reset, before the seed is loaded again. */
  onReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  /** Changes an agent's status as `actor` and tells the listeners when something changed. */
  changeStatus(account: Account, agentId: string, change: StatusChange, actor: Actor): StatusChangeResult {
    const at = this.clock.now();
    const result = account.agents.changeStatus(agentId, change, actor, at);
    if (result.changed) for (const listener of this.listeners) listener({ account, result, actor, at });
    return result;
  }

  /**
   * Accepts a report request: the window rules first, then the one-per-minute limit (a rejected request does not
   * use it up), then a `report_failure` fault if one is set, else a `report_part_status` fault.
   */
  requestReport(account: Account, request: ReportRequest): ReportJob {
    const now = this.clock.now();
    const window = checkReportWindow(request, now);
    if (!account.reportRateWindow.take(now)) {
      // The report window refused it: its headers describe that window, not the general one.
      throw tooManyRequests(
        account.reportRateWindow.state(now),
        account.reportRateWindow.retryAfterSeconds(now),
        `only ${account.reportRateWindow.limit} report request is accepted per minute`,
      );
    }
    const failing = account.faults.take('report_failure') !== undefined;
    const partFault = failing ? undefined : account.faults.take('report_part_status');
    const job: ReportJob = {
      id: this.hooks.newId(),
      event: request.event,
      start: window.start,
      end: window.end,
      excludePii: request.should_exclude_pii ?? false,
      requestedAt: now,
      completesAt: now + this.reportDelayMs,
      failing,
      lastPartStatus: partFault?.status as ReportJob['lastPartStatus'],
    };
    account.reports.set(job.id, job);
    this.reportOwners.set(job.id, account);
    // Jobs are kept in the order they were accepted: the first is the oldest.
    for (const [id] of account.reports) {
      if (account.reports.size <= this.limits.reportJobsKept) break;
      account.reports.delete(id);
      this.reportOwners.delete(id);
    }
    return job;
  }

  /** The account and job a storage link names, if both still exist. */
  reportForDownload(jobId: string): { account: Account; job: ReportJob } | undefined {
    const account = this.reportOwners.get(jobId);
    const job = account?.reports.get(jobId);
    return account && job ? { account, job } : undefined;
  }

  private load(): void {
    this.accounts = new Map();
    this.reportOwners = new Map();
    for (const seed of this.seed.accounts) this.createAccount(seed);
  }
}

function tokenKey(token: string): string {
  // One-shot hash: no Hash object (a native handle the collector must finalise) per request.
  return hash('sha256', token, 'base64');
}
