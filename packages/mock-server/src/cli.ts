#!/usr/bin/env node
/**
 * The sandbox's command line: a thin shell around `listen`.
 *
 *   freshchat-sandbox [--port 4010] [--host 127.0.0.1] [--seed seed.json] [--report-delay 30]
 *                     [--rate-limit 5000] [--data-dir dir] [--compact-at bytes] [--fsync always|never]
 *                     [--repair] [--frozen-clock] [--clock-start ISO] [--id-seed n] [--quiet]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DataDirError } from './adapters/data-dir-lock.js';
import { DEFAULT_COMPACT_AT } from './adapters/durable-log.js';
import { DomainError } from './domain/domain-error.js';
import { checkSeedFile, type SeedFile } from './domain/sandbox.js';
import { listen } from './listen.js';

const usage = `Usage: freshchat-sandbox [options]

Serves a stateful mock of Freshchat's agent-status API (under /v2) and its control API (under /_mock).

Options:
  --port <n>            port to listen on (env PORT; default 4010; 0 picks a free one)
  --host <addr>         interface to listen on (env HOST; default 127.0.0.1)
  --seed <file.json>    accounts to start with and return to on reset (default: the document's examples)
  --report-delay <s>    clock-seconds before a report completes (default 30)
  --rate-limit <n>      requests per minute per account on /v2 (default 5000)
  --data-dir <dir>      keep state in this folder across restarts (default: in memory only)
  --compact-at <bytes>  with --data-dir: compact the log once it passes this size (default 16777216, 16 MiB)
  --fsync <mode>        with --data-dir: "always" flushes to disk before each answer; "never" (default) leaves it to the OS
  --repair              with --data-dir: cut the log before a corrupt line, keeping a backup, instead of refusing to start
  --frozen-clock        the clock moves only when advanced or set (POST /_mock/clock/advance, POST /_mock/clock)
  --clock-start <iso>   where the clock starts, as an ISO-8601 date-time (default: now)
  --id-seed <n>         draw every id, token, link secret and signing key from this integer seed, so the same
                        requests give byte-identical answers (with --frozen-clock and --clock-start)
  --quiet               no request log
  --help                this text
`;

function fail(message: string): never {
  process.stderr.write(`freshchat-sandbox: ${message}\n`);
  process.exit(2);
}

function number(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) fail(`${name} must be an integer >= ${min}, not "${text}"`);
  return value;
}

function fsyncMode(text: string | undefined): 'always' | 'never' {
  if (text === undefined || text === 'never' || text === 'always') return text ?? 'never';
  fail(`--fsync must be "always" or "never", not "${text}"`);
}

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      'report-delay': { type: 'string' },
      'rate-limit': { type: 'string' },
      'data-dir': { type: 'string' },
      'compact-at': { type: 'string' },
      fsync: { type: 'string' },
      repair: { type: 'boolean', default: false },
      'frozen-clock': { type: 'boolean', default: false },
      'clock-start': { type: 'string' },
      'id-seed': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  }).values;
}
try {
  args = parse();
} catch (error) {
  fail(`${(error as Error).message}\n\n${usage}`);
}
if (args.help) {
  process.stdout.write(usage);
  process.exit(0);
}

let seed: SeedFile | undefined;
if (args.seed) {
  try {
    seed = checkSeedFile(JSON.parse(readFileSync(args.seed, 'utf8')));
  } catch (error) {
    fail(`cannot use seed ${args.seed}: ${(error as Error).message}`);
  }
}

const clockStart = args['clock-start'];
if (clockStart !== undefined && Number.isNaN(Date.parse(clockStart))) {
  fail(`--clock-start must be an ISO-8601 date-time such as 2030-01-01T09:00:00Z, not "${clockStart}"`);
}
const idSeed = args['id-seed'] === undefined ? undefined : Number(args['id-seed']);
if (idSeed !== undefined && !Number.isSafeInteger(idSeed))
  fail(`--id-seed must be an integer, not "${args['id-seed']}"`);
const reproducible = args['frozen-clock'] || clockStart !== undefined || idSeed !== undefined;
if (reproducible && args['data-dir']) {
  // A kept folder resumes its own clock, ids and keys; these flags describe a fresh start.
  fail('--frozen-clock, --clock-start and --id-seed start a fresh sandbox; they cannot be combined with --data-dir');
}

const quiet = args.quiet;
try {
  const sandbox = await listen({
    port: number('--port', args.port ?? process.env.PORT, 4010, 0),
    host: args.host ?? process.env.HOST ?? '127.0.0.1',
    seed,
    reportDelaySeconds: number('--report-delay', args['report-delay'], 30, 0),
    limits: { requestsPerMinute: number('--rate-limit', args['rate-limit'], 5000, 1) },
    dataDir: args['data-dir'],
    compactAt: number('--compact-at', args['compact-at'], DEFAULT_COMPACT_AT, 1),
    fsync: fsyncMode(args.fsync),
    repair: args.repair,
    frozenClock: args['frozen-clock'],
    clockStart,
    idSeed,
    onWarning: (message) => process.stderr.write(`freshchat-sandbox: warning: ${message}\n`),
    onRequest: quiet
      ? undefined
      : ({ method, path, status, ms }) => process.stdout.write(`${method} ${path} ${status} ${ms.toFixed(1)}ms\n`),
  });
  process.stdout.write(
    `Freshchat sandbox listening on ${sandbox.url} (API ${sandbox.url}/v2, docs ${sandbox.url}/docs, inspector ${sandbox.url}/_inspector, token sandbox-token)\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!quiet) process.stdout.write(`${signal}: stopping\n`);
    // In-flight requests get five seconds to finish; webhook attempts still under way then are aborted.
    const deadline = setTimeout(() => process.exit(0), 5000);
    deadline.unref();
    void sandbox.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') fail(`port is in use (${(error as Error).message})`);
  if (error instanceof DomainError || error instanceof DataDirError) fail(error.message);
  throw error;
}
