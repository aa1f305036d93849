import { hash } from 'node:crypto';
import { Account, type AccountHooks } from './accounts/account.js';
import { DEFAULT_SEED } from './accounts/default-seed.js';
import { tooManyRequests } from './accounts/rate-window.js';
import { type StatusChange, type StatusChangeResult, statusChangeResult } from './agents/agent-roster.js';
import { VirtualClock } from './clock/virtual-clock.js';
import { DomainError } from './domain-error.js';
import { acceptAtOnce, type EventBatch, type EventSink, type Pending } from './events/event-sink.js';
import type { SandboxEvent } from './events/sandbox-event.js';
import type { Actor } from './history/history-entry.js';
import { derivedId } from './id-source.js';
import { DownloadLinkSigner } from './reports/download-link.js';
import { checkReportWindow, type ReportJob, type ReportRequest } from './reports/report-job.js';
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

/**
 * What a command decided: its events, what it answers once they are applied, and what it tells others (the
 * status-change and reset listeners) once they are kept: at once, or when a group commit's fsync has succeeded.
 */
export type Decision<R> = { events: SandboxEvent[]; answer: () => R; announce?: ((answer: R) => void) | undefined };

/** A status change that happened, for whoever listens (the webhook dispatcher). */
export type StatusChangeEvent = { account: Account; result: StatusChangeResult; actor: Actor; at: number };

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
  private readonly sink: EventSink;
  private readonly ids: SandboxIds;
  /** The admin token's key (see `tokenKey`), when one is given. */
  private readonly adminKey: string | undefined;
  private readonly sharedIds: boolean;
  private readonly replay: SandboxOptions['replay'];
  /** Counts rebuilds: a batch accepted before the last one was undone by it (see `undo`). */
  private rebuilds = 0;

  constructor(options: SandboxOptions = {}) {
    this.clock = options.clock ?? new VirtualClock();
    this.sink = options.sink ?? acceptAtOnce;
    this.ids = new SandboxIds(options.ids);
    this.adminKey = options.adminToken === undefined ? undefined : tokenKey(options.adminToken);
    this.sharedIds = options.sharedBuiltInIds ?? false;
    this.hooks = {
      newId: () => this.newId(),
      onKeyPair: (account, privateKeyPem) => {
        const kept = this.execute(() => ({
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
    this.seed = checkSeedFile(options.seed ?? DEFAULT_SEED);
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

  /**
   * Carries out a command: `decide` checks it against the state (throwing a `DomainError` and changing nothing
   * when it is refused) and returns its events; the sink takes them (a refusal, such as a full disk, applies
   * nothing); they are applied; then `answer` answers. No events: nothing to keep, `answer` answers at once (or,
   * when earlier changes still wait to be kept, once they are).
   *
   * A sink that must wait (a group commit) returns a promise: the events are applied at once, so the next
   * decision sees them, the answer is computed at once, and both the answer and `announce` wait for the promise.
   * If it rejects, the batch was not kept: `undo` rebuilds the state from what the store kept, and the answer is the
   * refusal.
   *
   * @example
   * sandbox.execute(() => ({ events: [{ type: 'faultsCleared', app: account.appId }], answer: () => undefined }));
   */
  execute<R>(decide: () => Decision<R>): Pending<R> {
    const drawnBefore = this.ids.drawn;
    const { events, answer, announce } = decide();
    let durable: void | Promise<void>;
    if (events.length === 0) {
      // Nothing to keep; but what it read may be changes still waiting to be kept.
      durable = this.sink.unsettled?.();
    } else {
      try {
        durable = this.sink.accept(this.batchOf(events));
      } catch (error) {
        // Refused: the ids it drew are drawn again by the next command, as if this one had never come.
        this.ids.resume(drawnBefore);
        throw error;
      }
      for (const event of events) this.apply(event);
    }
    const answered = answer();
    if (!(durable instanceof Promise)) {
      announce?.(answered);
      return answered;
    }
    const rebuilds = this.rebuilds;
    return durable.then(
      () => {
        announce?.(answered);
        return answered;
      },
      (error: unknown) => {
        this.undo(rebuilds);
        throw error;
      },
    );
  }

  /**
   * A batch accepted after the `rebuilds`-th rebuild was not kept. The sink then refuses it and every batch it
   * accepted after it (they were all applied after it), and the state holds changes that were never kept: it is
   * rebuilt from what the store kept, once for all of them (the first refusal rebuilds; the others were accepted
   * before that rebuild, which undid them too).
   */
  private undo(rebuilds: number): void {
    if (rebuilds !== this.rebuilds) return;
    this.rebuilds++;
    this.resume();
  }

  /**
   * {@link execute} for a command whose events take long to apply (a large simulation): decided and taken by the
   * sink the same way, then applied by `applySteps` a slice per step, so other commands are carried out between
   * steps; answered after the last. `applySteps` must leave the state as `apply` of the events would (a restart
   * applies them that way), with the commands carried out meanwhile as if they came after it: they must not touch
   * what it creates before it is done.
   *
   * @example
   * const steps = sandbox.executeInSteps(() => ({ events, applySteps: () => account.simulation.applySteps(…), answer }));
   */
  *executeInSteps<R>(
    decide: () => Decision<R> & { applySteps: () => Generator<void, unknown> },
  ): Generator<void, Pending<R>> {
    const drawnBefore = this.ids.drawn;
    const { events, answer, applySteps } = decide();
    let durable: void | Promise<void>;
    try {
      durable = this.sink.accept(this.batchOf(events));
    } catch (error) {
      this.ids.resume(drawnBefore);
      throw error;
    }
    yield* applySteps();
    const answered = answer();
    return durable instanceof Promise ? durable.then(() => answered) : answered;
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
    return this.execute(() => {
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
    return this.execute(() => {
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
    return this.execute(() => {
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
    return this.execute(() => {
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

  /**
   * Accepts a report request: the window rules first, then the one-per-minute limit (a rejected request does not
   * use it up), then a `report_failure` fault if one is set, else a `report_part_status` fault and a
   * `report_split` fault.
   */
  requestReport(account: Account, request: ReportRequest): Pending<ReportJob> {
    return this.execute(() => {
      const now = this.clock.now();
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
      const job: ReportJob = {
        id: this.newId(),
        event: request.event,
        start: window.start,
        end: window.end,
        excludePii: request.should_exclude_pii ?? false,
        requestedAt: now,
        completesAt: now + this.reportDelayMs,
        failing: failure !== undefined,
        lastPartStatus: partFault?.status as ReportJob['lastPartStatus'],
        split: splitFault && (splitFault.parts === undefined ? 'utc_day' : { parts: splitFault.parts }),
      };
      const used = [failure ?? partFault, splitFault].filter((fault) => fault !== undefined);
      return {
        events: [
          ...used.map((fault) => ({ type: 'faultUsed' as const, app: account.appId, faultId: fault.id })),
          { type: 'reportRequested', app: account.appId, job },
        ],
        answer: () => job,
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
    const durable = this.sink.accept(this.batchOf([event]));
    if (durable instanceof Promise) durable.catch(() => {});
    this.apply(event);
    this.ids.resume(drawn);
  }

  /** A command's events as the sink takes them: with an id seed, how many ids were drawn. */
  private batchOf(events: SandboxEvent[]): EventBatch {
    return this.ids.seed === undefined ? { events } : { events, idsDrawn: this.ids.drawn };
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
