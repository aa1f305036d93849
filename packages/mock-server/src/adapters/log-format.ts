/**
 * What the data folder's files hold, line by line: the formats this version writes and reads, the format line that
 * starts every file, the event lines of format 3, and the request lines of formats 1 and 2 that only the migration
 * reads. Types and constants only: reading and writing the files is `log-file.ts`'s.
 */
import type { SandboxEvent } from '../domain/events/sandbox-event.js';

/**
 * The format this version writes: 3, domain events. Format 1 (no header line) and 2 held HTTP requests; a folder in
 * either is migrated once (`log-migration.ts`).
 */
export const LOG_FORMAT = 3;

/**
 * The format of a snapshot that holds status changes as columns (`statusColumns` lines, `status-columns.ts`): a
 * format-3 log's, plus those lines. This version reads snapshots of format 3 and 4; an older one refuses a format-4
 * snapshot with a message naming the format, instead of misreading it.
 */
export const SNAPSHOT_FORMAT = 4;

/** First line of every file since format 2. A snapshot says which log, up to which byte, it holds. */
export type FormatLine =
  | { type: 'format'; version: number; generation: number }
  | { type: 'format'; version: number; snapshot: { generation: number; bytes: number } };

/** One line of a format-3 log or snapshot: the events of one command, and (seeded ids) how many ids were drawn. */
export type EventLine = { type: 'events'; events: SandboxEvent[]; ids?: number | undefined };

/** One line of a format-1 or format-2 log, which only the migration reads. */
export type RequestLogEntry =
  /** The sandbox's first start: when, on the clock and in real time, and the link-signing secret. */
  | { type: 'start'; at: number; realAt: number; linkSecret: string; frozen?: true | undefined }
  /** An accepted mutation: the request as it came, when it was handled, and the ids it produced. */
  | {
      type: 'request';
      at: number;
      realAt: number;
      method: string;
      path: string;
      token?: string | undefined;
      contentType?: string | undefined;
      body?: string | undefined;
      ids: string[];
      op?: string | undefined;
      faulted?: true | undefined;
      frozen?: true | undefined;
    }
  /** An account's webhook signing key. */
  | { type: 'key'; appId: string; privateKeyPem: string }
  /** Status changes folded by compaction: per change five numbers in `rows` (see the format-2 writer). */
  | {
      type: 'changes';
      realAt: number;
      tokens: string[];
      ops: string[];
      agents: string[];
      bodies: string[];
      rows: number[];
    };
