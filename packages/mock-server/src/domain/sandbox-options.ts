import type { AccountLimits } from './accounts/account.js';
import type { VirtualClock } from './clock/virtual-clock.js';
import type { EventBatch, EventSink } from './events/event-sink.js';
import type { IdSource } from './id-source.js';
import type { SeedFile } from './seed-file.js';

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
  /**
   * The token of what reaches every account (the clock, creating accounts, resetting the whole sandbox); the
   * default account's token when left out. A setting, not state: each start gives it again.
   */
  adminToken?: string | undefined;
  /** The secret that signs download links; random by default (a durable sandbox keeps it across restarts). */
  linkSecret?: string | undefined;
  /** Where new ids come from, overriding `idSeed`'s (the migration of an old log feeds the ids it recorded). */
  ids?: IdSource | undefined;
  /** Where the events of every change go before they are applied (the durable log); accepted at once by default. */
  sink?: EventSink | undefined;
  /**
   * Feeds the events of an earlier run (a durable log), batch by batch, to `apply`: the sandbox then resumes from
   * them instead of starting afresh (its seed, clock, link secret and id seed are the ones the events say). When it
   * feeds nothing, the sandbox starts afresh, and its `sandboxStarted` event goes to the sink.
   */
  replay?: ((apply: (batch: EventBatch) => void) => void) | undefined;
  /**
   * Gives every account without ids of its own the built-in status ids all accounts shared before version 3 of the
   * data folder (`…0001`, `…0002`): only the migration of such a folder sets it, so its state stays the same.
   */
  sharedBuiltInIds?: boolean | undefined;
};

/** The limits of every account, and how many accounts a sandbox holds. */
export type SandboxLimits = AccountLimits & {
  /** Accounts a sandbox holds, the seed's included; past it, `409 ACCOUNT_LIMIT`. */
  accounts: number;
};

/**
 * The documented bounds when none are given (the control API's descriptions and the README name them): 5000
 * requests a minute on `/v2`, one report a minute, 1000 journal entries, 100 webhook subscriptions, a million
 * simulated agent-days and 1000 report jobs per account; 1000 accounts.
 */
export const DEFAULT_LIMITS: Readonly<SandboxLimits> = {
  requestsPerMinute: 5000,
  reportsPerMinute: 1,
  journalCapacity: 1000,
  webhookSubscriptions: 100,
  simulatedAgentDays: 1_000_000,
  reportJobsKept: 1000,
  accounts: 1000,
};

/** Clock-seconds from a report request to its completion when none are given. */
export const DEFAULT_REPORT_DELAY_SECONDS = 30;
