import type { Fault } from '../accounts/fault-plan.js';
import type { Agent } from '../agents/agent-roster.js';
import type { AgentStatus } from '../agents/agent-status.js';
import type { ClockReading } from '../clock/virtual-clock.js';
import type { Actor, StatusChangeRun } from '../history/history-entry.js';
import type { ReportJob } from '../reports/report-job.js';
import type { SeedFile } from '../seed-file.js';
import type { SimulationRequest } from '../simulation/simulation-window.js';
import type { WebhookSubscription } from '../webhooks/webhook-subscriptions.js';

/** The account an event is about, by its app id (which, unlike a token, is never a secret worth rotating). */
type OfAccount = { app: string };

/**
 * Every change of the sandbox's state, as the domain decides it and then applies it. An event carries all that
 * applying it needs (ids, clock times to the millisecond, the ids a seed draws), so applying never reads the clock
 * nor draws an id: the durable log stores these and a restart applies them again to the same state.
 */
export type SandboxEvent =
  /** The sandbox's first start: where the clock stood, the link secret, the seed and the ids loading it drew. */
  | {
      type: 'sandboxStarted';
      clock: ClockReading;
      linkSecret: string;
      /** The `--id-seed`, when ids are drawn from one (the log then also keeps how many were drawn). */
      idSeed?: number | undefined;
      seed: SeedFile;
      ids: string[];
    }
  /** Every account back to the seed (loaded at `at` with `ids`); the clock keeps its reading. */
  | { type: 'sandboxReset'; at: number; clock: ClockReading; ids: string[] }
  /** One account back to its own seed (see `Account.seed`), loaded at `at` with `ids`; the others are untouched. */
  | (OfAccount & { type: 'accountReset'; at: number; ids: string[] })
  /** A new account from a seed, built at `at` with `ids` (its token, app id, statuses and agents without ids). */
  | { type: 'accountCreated'; at: number; seed: SeedFile['accounts'][number]; ids: string[] }
  /** The clock set, advanced, frozen or unfrozen: where it stands now. */
  | { type: 'clockSet'; how: 'set' | 'advanced' | 'frozen' | 'unfrozen'; clock: ClockReading }
  /** An agent's status changed: a history entry. */
  | (OfAccount & {
      type: 'statusChanged';
      agentId: string;
      statusId: string;
      statusName: string;
      active: boolean;
      actor: Actor;
      at: number;
    })
  /**
   * Many status changes of one account, in clock order, as columns: what a snapshot keeps (and a restart reads a
   * log's run of `statusChanged` lines as). Applying it is applying each change in turn as a `statusChanged`.
   */
  | (OfAccount & { type: 'statusChanges'; changes: StatusChangeRun })
  /** An agent created through the control API, on `status` since `since`. */
  | (OfAccount & {
      type: 'agentHired';
      agent: Agent;
      status: { id: string; name: string };
      since: number;
      actor: Actor;
    })
  /** An agent logged in or out. */
  | (OfAccount & { type: 'agentLoggedIn' | 'agentLoggedOut'; agentId: string })
  /** A custom status created. */
  | (OfAccount & { type: 'statusCreated'; status: AgentStatus })
  /** A custom status renamed, or given another emoji. */
  | (OfAccount & { type: 'statusRenamed'; statusId: string; name?: string | undefined; emoji?: string | undefined })
  /** A custom status deleted. */
  | (OfAccount & { type: 'statusDeleted'; statusId: string })
  /** A report request accepted: it takes the account's report window at `job.requestedAt`. */
  | (OfAccount & { type: 'reportRequested'; job: ReportJob })
  /** A webhook subscription added. */
  | (OfAccount & { type: 'subscriptionAdded'; subscription: WebhookSubscription })
  /** A webhook subscription removed. */
  | (OfAccount & { type: 'subscriptionRemoved'; subscriptionId: string })
  /** The account's webhook signing key, made on first use. */
  | (OfAccount & { type: 'webhookKeyMade'; privateKeyPem: string })
  /** A fault added. */
  | (OfAccount & { type: 'faultAdded'; fault: Fault })
  /** A fault used once: its count goes down, and it goes once spent. */
  | (OfAccount & { type: 'faultUsed'; faultId: string })
  /** One fault removed. */
  | (OfAccount & { type: 'faultRemoved'; faultId: string })
  /** Every fault removed. */
  | (OfAccount & { type: 'faultsCleared' })
  /** Agents created with simulated history (`simulateFloor` of `request` is a pure function of it and the window). */
  | (OfAccount & { type: 'historySimulated'; request: SimulationRequest; agentIds: string[]; at: number });
