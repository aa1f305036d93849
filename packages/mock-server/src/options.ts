/**
 * Every setting of the sandbox, declared once: its name, type, default, range, help text and environment variable.
 * `createMockServer`, `openDurableMockServer` and `listen` take the settings they need from `SandboxSettings`
 * (narrowed with `Pick`), and the command line derives its flags, `--help` and `FRESHCHAT_SANDBOX_<FLAG>` variables
 * from `OPTION_TABLE` (`command-line.ts`). A new setting is one row here.
 */
import { DEFAULT_COMPACT_AT } from './adapters/durable-log.js';
import { DEFAULT_LIMITS, DEFAULT_REPORT_DELAY_SECONDS, type SandboxLimits } from './domain/sandbox-options.js';
import type { SeedFile } from './domain/seed-file.js';

type Row = {
  /** The long flag, without `--`; its variable is `FRESHCHAT_SANDBOX_` and the flag in upper snake case. */
  flag: string;
  /** One line for `--help` and the docs. */
  help: string;
  /** An older variable also read, after `FRESHCHAT_SANDBOX_<FLAG>` (`PORT`, `HOST`). */
  env?: string;
};

/** What a row's value is, and how its text is checked. */
type OptionRow = Row &
  (
    | { kind: 'integer'; arg: string; min: number; max: number; default?: number }
    | { kind: 'limit'; arg: string; limit: keyof SandboxLimits; min: number; max: number; default: number }
    | { kind: 'choice'; values: readonly string[]; default: string }
    | { kind: 'switch' }
    | { kind: 'text'; arg: string; default?: string }
    | { kind: 'list'; arg: string }
    | { kind: 'time' }
    | { kind: 'seed' }
  );

/** The largest integer a setting takes where nothing smaller is natural. */
const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * The settings table. A row's key is the setting's name in `SandboxSettings`; `flag` is its command-line name.
 * Defaults that are a rule of a lower layer (a report's delay, the rate limit, compaction) are that layer's constant,
 * shown here.
 */
export const OPTION_TABLE = {
  port: {
    flag: 'port',
    kind: 'integer',
    arg: 'n',
    min: 0,
    max: 65535,
    default: 4010,
    env: 'PORT',
    help: 'port to listen on; 0 picks a free one',
  },
  host: { flag: 'host', kind: 'text', arg: 'addr', default: '127.0.0.1', env: 'HOST', help: 'interface to listen on' },
  seed: {
    flag: 'seed',
    kind: 'seed',
    help: "accounts to start with and return to on reset, a JSON or YAML file (default: the document's examples)",
  },
  reportDelaySeconds: {
    flag: 'report-delay',
    kind: 'integer',
    arg: 's',
    min: 0,
    max: 315_576_000,
    default: DEFAULT_REPORT_DELAY_SECONDS,
    help: 'clock-seconds before a report completes',
  },
  limits: {
    flag: 'rate-limit',
    kind: 'limit',
    limit: 'requestsPerMinute',
    arg: 'n',
    min: 1,
    max: 1_000_000_000,
    default: DEFAULT_LIMITS.requestsPerMinute,
    help: 'requests per minute per account on /v2',
  },
  adminToken: {
    flag: 'admin-token',
    kind: 'text',
    arg: 'token',
    help: "the token for what reaches every account: the clock, creating accounts, resetting the whole sandbox (default: the default account's token)",
  },
  allowedHosts: {
    flag: 'allowed-host',
    kind: 'list',
    arg: 'name',
    help: 'answer requests whose Host is this name too (besides IP addresses, localhost names and --host); repeat it or give a comma list; a leading dot allows the subdomains too',
  },
  cors: {
    flag: 'cors',
    kind: 'switch',
    help: 'answer browsers from any origin: preflight OPTIONS requests, and Access-Control-Allow-Origin on answers',
  },
  dataDir: {
    flag: 'data-dir',
    kind: 'text',
    arg: 'dir',
    help: 'keep state in this folder across restarts (default: in memory only)',
  },
  compactAt: {
    flag: 'compact-at',
    kind: 'integer',
    arg: 'bytes',
    min: 1,
    max: SAFE,
    default: DEFAULT_COMPACT_AT,
    help: 'with --data-dir: compact the log once it passes this size',
  },
  fsync: {
    flag: 'fsync',
    kind: 'choice',
    values: ['always', 'never'],
    default: 'never',
    help: 'with --data-dir: "always" flushes to disk before each answer; "never" leaves it to the system',
  },
  repair: {
    flag: 'repair',
    kind: 'switch',
    help: 'with --data-dir: cut the log before a corrupt line or one that cannot be replayed, keeping a backup, instead of refusing to start',
  },
  frozenClock: {
    flag: 'frozen-clock',
    kind: 'switch',
    help: 'the clock moves only when advanced or set (POST /_mock/clock/advance, POST /_mock/clock)',
  },
  clockStart: { flag: 'clock-start', kind: 'time', help: 'where the clock starts (default: now)' },
  idSeed: {
    flag: 'id-seed',
    kind: 'integer',
    arg: 'n',
    min: -SAFE,
    max: SAFE,
    help: 'draw every id, token, link secret and signing key from this seed, so the same requests give byte-identical answers (with --frozen-clock and --clock-start), and a new data folder',
  },
  logFormat: {
    flag: 'log-format',
    kind: 'choice',
    values: ['text', 'json'],
    default: 'text',
    help: 'the request log: a line of text, or one JSON object per request',
  },
  quiet: { flag: 'quiet', kind: 'switch', help: 'no request log' },
} as const satisfies Record<string, OptionRow>;

/** The settings' names. */
export type OptionName = keyof typeof OPTION_TABLE;

/** A row's value, as a program gives it. */
type ValueOf<R> = R extends { kind: 'integer' }
  ? number
  : R extends { kind: 'limit' }
    ? Partial<SandboxLimits>
    : R extends { kind: 'list' }
      ? string[]
      : R extends { kind: 'choice'; values: readonly (infer V)[] }
        ? V
        : R extends { kind: 'switch' }
          ? boolean
          : R extends { kind: 'time' }
            ? Date | string
            : R extends { kind: 'seed' }
              ? SeedFile
              : string;

/**
 * Every setting, each optional, typed by its row of `OPTION_TABLE` (see the row for its help text and default).
 * `seed` is the accounts themselves (the command line reads them from a file); `limits` takes every limit (per account,
 * and the accounts of a sandbox; the command line sets `requestsPerMinute`); `clockStart` is a Date or an ISO-8601 string.
 */
export type SandboxSettings = { -readonly [K in OptionName]?: ValueOf<(typeof OPTION_TABLE)[K]> | undefined };
