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
import { derivedId, type IdSource, randomIds, seededIds } from './id-source.js';
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
  /** Per-account limits. */
  limits?: Partial<AccountLimits> | undefined;
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

const DEFAULT_LIMITS: AccountLimits = { requestsPerMinute: 5000, reportsPerMinute: 1, journalCapacity: 1000 };

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
  readonly limits: AccountLimits;
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
    const secret = options.linkSecret ?? (seed === undefined ? crypto.randomUUID() : newId());
    this.links = new DownloadLinkSigner(secret);
    this.hooks = {
      newId,
      onKeyPair: options.onKeyPair ?? (() => {}),
      // A seeded account's key depends on the seed and its app id alone, not on when it first signs.
      makeKey: seed === undefined ? undefined : (appId) => seededRsaKey(seed, appId),
    };
    this.reportDelayMs = (options.reportDelaySeconds ?? 30) * 1000;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.seed = withBuiltInIds(checkSeedFile(options.seed ?? DEFAULT_SEED), secret);
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
    if (seed.token !== undefined && this.authenticate(seed.token)) {
      throw new DomainError('conflict', 'ACCOUNT_EXISTS', 'token: an account with this token exists');
    }
    if (seed.app_id !== undefined && this.allAccounts().some((a) => a.appId === seed.app_id)) {
      throw new DomainError('conflict', 'ACCOUNT_EXISTS', 'app_id: an account with this app id exists');
    }
    for (const [role, id] of Object.entries(seed.built_in_status_ids ?? {})) {
      if (this.allAccounts().some((a) => a.statuses.find(id))) {
        throw new DomainError(
          'conflict',
          'STATUS_EXISTS',
          `built_in_status_ids.${role}: another account has this status id`,
        );
      }
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
   * use it up), then a `report_failure` fault if one is set, else a `report_part_status` fault and a
   * `report_split` fault.
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
    const splitFault = failing ? undefined : account.faults.take('report_split');
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
      split: splitFault && (splitFault.parts === undefined ? 'utc_day' : { parts: splitFault.parts }),
    };
    account.reports.set(job.id, job);
    this.reportOwners.set(job.id, account);
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

/**
 * The seed with every account's built-in status ids settled: a seed file's own, else ids derived from the sandbox's
 * secret (random, from the id seed, or kept by a durable sandbox), so each account has ids of its own that stay the
 * same across resets and restarts.
 */
function withBuiltInIds(seed: SeedFile, secret: string): SeedFile {
  return {
    accounts: seed.accounts.map((account, i) => ({
      ...account,
      built_in_status_ids: account.built_in_status_ids ?? {
        active: derivedId(secret, `seed account ${i}: Active on IntelliAssign`),
        unavailable: derivedId(secret, `seed account ${i}: Unavailable`),
      },
    })),
  };
}

function tokenKey(token: string): string {
  // One-shot hash: no Hash object (a native handle the collector must finalise) per request.
  return hash('sha256', token, 'base64');
}
