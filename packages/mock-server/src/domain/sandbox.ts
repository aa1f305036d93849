import { hash } from 'node:crypto';
import { Account, type AccountHooks } from './accounts/account.js';
import { DEFAULT_SEED } from './accounts/default-seed.js';
import { type StatusChange, type StatusChangeResult, statusChangeResult } from './agents/agent-roster.js';
import { VirtualClock } from './clock/virtual-clock.js';
import { DomainError } from './domain-error.js';
import { acceptAtOnce, Commands, type Pending } from './events/event-sink.js';
import type { SandboxEvent } from './events/sandbox-event.js';
import type { Actor } from './history/history-entry.js';
import { derivedId } from './id-source.js';
import { DownloadLinkSigner } from './reports/download-link.js';
import type { ReportJob } from './reports/report-job.js';
import { SandboxIds } from './sandbox-ids.js';
import {
  DEFAULT_LIMITS,
  DEFAULT_REPORT_DELAY_SECONDS,
  type SandboxLimits,
  type SandboxOptions,
} from './sandbox-options.js';
import {
  type AccountSeed,
  checkSeedFile,
  ROLE_NAMES,
  type SeedFile,
  SHARED_BUILT_IN_IDS,
  withBuiltInIds,
} from './seed-file.js';
import { seededRsaKey } from './webhooks/seeded-key-pair.js';

/** A status change that happened, for whoever listens (the webhook dispatcher). */
export type StatusChangeEvent = { account: Account; result: StatusChangeResult; actor: Actor; at: number };

/**
 * The whole sandbox: accounts by token, the clock, the link signer, the commands that span accounts (accounts made
 * and reset, status changes, announced to listeners) and the one `apply` every event goes through (`commands` carries
 * the commands out). Plain TypeScript, no HTTP: the routes translate to and from these calls.
 *
 * @example
 * const sandbox = new Sandbox({ reportDelaySeconds: 5 });
 * const account = sandbox.authenticate('sandbox-token');
 */
export class Sandbox {
  readonly clock: VirtualClock;
  readonly reportDelayMs: number;
  readonly limits: SandboxLimits;
  private linkSigner: DownloadLinkSigner;
  private seed: SeedFile;
  private accounts = new Map<string, Account>();
  private accountsByApp = new Map<string, Account>();
  private reportOwners = new Map<string, Account>();
  private readonly listeners = new Set<(event: StatusChangeEvent) => void>();
  private readonly resetListeners = new Set<() => void>();
  private readonly hooks: AccountHooks;
  /** Carries out every command: decided, kept by the sink, applied, answered (`commands.execute`). */
  readonly commands: Commands;
  private readonly ids: SandboxIds;
  /** The admin token's key (see `tokenKey`), when one is given. */
  private readonly adminKey: string | undefined;
  private readonly sharedIds: boolean;
  private readonly replay: SandboxOptions['replay'];

  constructor(options: SandboxOptions = {}) {
    this.clock = options.clock ?? new VirtualClock();
    this.ids = new SandboxIds(options.ids);
    this.commands = new Commands(
      options.sink ?? acceptAtOnce,
      this.ids,
      (event) => this.apply(event),
      () => this.resume(),
    );
    this.adminKey = options.adminToken === undefined ? undefined : tokenKey(options.adminToken);
    this.sharedIds = options.sharedBuiltInIds ?? false;
    this.hooks = {
      newId: () => this.newId(),
      onKeyPair: (account, privateKeyPem) => {
        const kept = this.commands.execute(() => ({
          events: [{ type: 'webhookKeyMade', app: account.appId, privateKeyPem }],
          answer: () => {},
        }));
        // Lost with a failed group fsync: the account has no key again, and makes one when it next signs.
        if (kept instanceof Promise) kept.catch(() => {});
      },
      // A seeded account's key depends on the seed and its app id alone, not on when it first signs.
      makeKey: (appId) => (this.ids.seed === undefined ? undefined : seededRsaKey(this.ids.seed, appId)),
    };
    this.reportDelayMs = (options.reportDelaySeconds ?? DEFAULT_REPORT_DELAY_SECONDS) * 1000;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    // The built-in seed is known good (its test checks it), so a start without a seed does not pay for the check.
    this.seed = options.seed === undefined ? DEFAULT_SEED : checkSeedFile(options.seed);
    this.linkSigner = new DownloadLinkSigner();
    this.replay = options.replay;
    if (!this.resume()) this.start(options);
  }

  /** Applies the events `replay` feeds (the state then is theirs); whether it fed any. */
  private resume(): boolean {
    let resumed = false;
    this.replay?.((batch) => {
      for (const event of batch.events) this.apply(event);
      if (batch.idsDrawn !== undefined) this.ids.resume(batch.idsDrawn);
      resumed = true;
    });
    return resumed;
  }

  /** The signer of download links (its secret kept by the `sandboxStarted` event). */
  get links(): DownloadLinkSigner {
    return this.linkSigner;
  }

  /** A new id from the sandbox's id source (seeded or random), for what the sandbox makes outside an account. */
  newId(): string {
    return this.ids.next();
  }

  /** The account a token reaches, or undefined. Tokens are compared by their SHA-256, which takes the same time whatever the token. */
  authenticate(token: string): Account | undefined {
    return this.accounts.get(tokenKey(token));
  }

  /**
   * Whether `token` is the admin token: `adminToken` when one was given, else the default account's token. Compared
   * by SHA-256, as `authenticate` compares.
   */
  isAdminToken(token: string): boolean {
    if (this.adminKey !== undefined) return tokenKey(token) === this.adminKey;
    const first = this.accounts.values().next().value;
    return first !== undefined && this.authenticate(token) === first;
  }

  /** Every account, the default one first. */
  allAccounts(): Account[] {
    return [...this.accounts.values()];
  }

  /** Whether `account` is still one of the sandbox's (a reset replaces every account). */
  holds(account: Account): boolean {
    return this.accountsByApp.get(account.appId) === account;
  }

  /**
   * Applies one event: the only way the state changes. It reads no clock and draws no id (the event carries them),
   * so applying a log's events again rebuilds the state exactly.
   */
  apply(event: SandboxEvent): void {
    switch (event.type) {
      case 'sandboxStarted':
        this.clock.restore(event.clock);
        this.linkSigner = new DownloadLinkSigner(event.linkSecret);
        this.ids.seed = event.idSeed;
        this.ids.resume(0);
        this.seed = event.seed;
        this.load(event.clock.at, event.ids);
        break;
      case 'sandboxReset':
        this.clock.restore(event.clock);
        this.load(event.at, event.ids);
        break;
      case 'accountCreated':
        this.insert(this.ids.handOut(event.ids, () => Account.fromSeed(event.seed, event.at, this.limits, this.hooks)));
        break;
      case 'clockSet':
        this.clock.restore(event.clock);
        break;
      case 'accountReset': {
        const old = this.accountOf(event.app);
        for (const id of old.reports.keys()) this.reportOwners.delete(id);
        this.insert(this.ids.handOut(event.ids, () => Account.fromSeed(old.seed, event.at, this.limits, this.hooks)));
        break;
      }
      case 'reportRequested': {
        const account = this.accountOf(event.app);
        account.reportRateWindow.take(event.job.requestedAt);
        account.reports.set(event.job.id, event.job);
        this.reportOwners.set(event.job.id, account);
        // Jobs are kept in the order they were accepted: the first is the oldest.
        for (const [id] of account.reports) {
          if (account.reports.size <= this.limits.reportJobsKept) break;
          account.reports.delete(id);
          this.reportOwners.delete(id);
        }
        break;
      }
      default:
        this.accountOf(event.app).apply(event);
    }
  }

  /** Creates an account from a seed; `conflict` when its token or app id is taken. */
  createAccount(given: AccountSeed): Pending<Account> {
    return this.commands.execute(() => {
      if (this.accounts.size >= this.limits.accounts) {
        throw new DomainError(
          'conflict',
          'ACCOUNT_LIMIT',
          `a sandbox holds at most ${this.limits.accounts} accounts; reset it to start again`,
        );
      }
      const at = this.clock.now();
      const seed =
        this.sharedIds && !given.built_in_status_ids ? { ...given, built_in_status_ids: SHARED_BUILT_IN_IDS } : given;
      const { value: account, ids } = this.ids.recording(() => Account.fromSeed(seed, at, this.limits, this.hooks));
      if (this.authenticate(account.token)) {
        throw new DomainError('conflict', 'ACCOUNT_EXISTS', 'token: an account with this token exists');
      }
      if (this.accountsByApp.has(account.appId)) {
        throw new DomainError('conflict', 'ACCOUNT_EXISTS', 'app_id: an account with this app id exists');
      }
      for (const [role, id] of Object.entries(given.built_in_status_ids ?? {})) {
        if (this.allAccounts().some((a) => a.statuses.find(id))) {
          throw new DomainError(
            'conflict',
            'STATUS_EXISTS',
            `built_in_status_ids.${role}: another account has this status id`,
          );
        }
      }
      return {
        events: [{ type: 'accountCreated', at, seed, ids }],
        answer: () => this.accountOf(account.appId),
      };
    });
  }

  /** Every account back to the seed; the clock keeps its time. */
  reset(): Pending<void> {
    return this.commands.execute(() => {
      const clock = this.clock.reading();
      const { ids } = this.ids.recording(() =>
        this.seed.accounts.map((s) => Account.fromSeed(s, clock.at, this.limits, this.hooks)),
      );
      return {
        events: [{ type: 'sandboxReset', at: clock.at, clock, ids }],
        answer: () => {},
        announce: () => {
          this.clock.clearTasks();
          for (const listener of this.resetListeners) listener();
        },
      };
    });
  }

  /**
   * One account back to the seed it was made from (`Account.seed`: the seed file's, or `POST /_mock/accounts`'
   * body), with its token and ids; the other accounts and the clock are untouched.
   */
  resetAccount(account: Account): Pending<void> {
    return this.commands.execute(() => {
      const at = this.clock.now();
      const { ids } = this.ids.recording(() => Account.fromSeed(account.seed, at, this.limits, this.hooks));
      return { events: [{ type: 'accountReset', app: account.appId, at, ids }], answer: () => {} };
    });
  }

  /** Listens to every status change of every account. Returns the function that stops listening. */
  onStatusChange(listener: (event: StatusChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `listener` after every reset. */
  onReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  /** Changes an agent's status as `actor` and tells the listeners when something changed. */
  changeStatus(account: Account, agentId: string, change: StatusChange, actor: Actor): Pending<StatusChangeResult> {
    return this.commands.execute(() => {
      const at = this.clock.now();
      const plan = account.agents.planStatusChange(agentId, change);
      if (!plan.changed) return { events: [], answer: () => statusChangeResult(plan, undefined) };
      const { status, active } = plan;
      return {
        events: [
          {
            type: 'statusChanged',
            app: account.appId,
            agentId,
            statusId: status.id,
            statusName: status.name,
            active,
            actor,
            at,
          },
        ],
        answer: () => statusChangeResult(plan, account.history.current(agentId)),
        announce: (result) => {
          for (const listener of this.listeners) listener({ account, result, actor, at });
        },
      };
    });
  }

  /** The account and job a storage link names, if both still exist. */
  reportForDownload(jobId: string): { account: Account; job: ReportJob } | undefined {
    const account = this.reportOwners.get(jobId);
    const job = account?.reports.get(jobId);
    return account && job ? { account, job } : undefined;
  }

  /** The sandbox's first start: its `sandboxStarted` event, from the options, to the sink. */
  private start(options: SandboxOptions): void {
    this.ids.seed = options.idSeed;
    this.ids.resume(0);
    const { value: linkSecret, ids } = this.ids.recording(() => {
      const secret = options.linkSecret ?? (this.ids.seed === undefined ? crypto.randomUUID() : this.newId());
      // Built-in status ids derive from the secret, so they are the account's own and stay across resets.
      this.seed = withBuiltInIds(this.seed, (i, role) =>
        options.sharedBuiltInIds
          ? SHARED_BUILT_IN_IDS[role]
          : derivedId(secret, `seed account ${i}: ${ROLE_NAMES[role]}`),
      );
      const at = this.clock.now();
      for (const seed of this.seed.accounts) Account.fromSeed(seed, at, this.limits, this.hooks);
      return secret;
    });
    // The link secret, drawn first with seeded ids, is not one of the seed's ids.
    if (this.ids.seed !== undefined && options.linkSecret === undefined) ids.shift();
    const event: SandboxEvent = {
      type: 'sandboxStarted',
      clock: this.clock.reading(),
      linkSecret,
      ...(this.ids.seed === undefined ? {} : { idSeed: this.ids.seed }),
      seed: this.seed,
      ids,
    };
    const drawn = this.ids.drawn;
    // A sink that waits (a group commit) is waited for by whoever opened it (`sink.unsettled()`).
    const durable = this.commands.sink.accept(this.commands.batchOf([event]));
    if (durable instanceof Promise) durable.catch(() => {});
    this.apply(event);
    this.ids.resume(drawn);
  }

  private accountOf(app: string): Account {
    const account = this.accountsByApp.get(app);
    // Events name accounts that exist when they are applied; anything else is a damaged log.
    if (!account) throw new Error(`an event names an account that does not exist (${app})`);
    return account;
  }

  private insert(account: Account): void {
    this.accounts.set(tokenKey(account.token), account);
    this.accountsByApp.set(account.appId, account);
  }

  private load(at: number, ids: readonly string[]): void {
    this.accounts = new Map();
    this.accountsByApp = new Map();
    this.reportOwners = new Map();
    this.ids.handOut(ids, () => {
      for (const seed of this.seed.accounts) this.insert(Account.fromSeed(seed, at, this.limits, this.hooks));
    });
  }
}

function tokenKey(token: string): string {
  // One-shot hash: no Hash object (a native handle the collector must finalise) per request.
  return hash('sha256', token, 'base64');
}
