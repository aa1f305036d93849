#!/usr/bin/env node
/**
 * The sandbox's command line: a thin shell around `listen`. Its flags, `--help` and `FRESHCHAT_SANDBOX_<FLAG>`
 * variables come from `OPTION_TABLE` (`options.ts`, read by `command-line.ts`); see `docs/cli.md`.
 */
import { DataDirError } from './adapters/data-dir-lock.js';
import { readSeedFile } from './adapters/seed-file.js';
import { type CommandLine, type CommandLineSettings, OptionError, readCommandLine, usage } from './command-line.js';
import { DomainError } from './domain/domain-error.js';
import type { SeedFile } from './domain/seed-file.js';
import { type ListeningMockServer, listen, type RequestLogEntry } from './listen.js';
import { VERSION } from './version.js';

/** Prints one line on stderr and exits 2, as for any refused flag. */
function fail(message: string): never {
  process.stderr.write(`freshchat-sandbox: ${message.split('\n')[0]?.replace(/:$/, '')}\n`);
  process.exit(2);
}

/** The settings the flags and variables give, once `--help` and `--version` are answered. */
function settingsOrExit(): CommandLineSettings {
  let commandLine: CommandLine;
  try {
    commandLine = readCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof OptionError) fail(error.message);
    throw error;
  }
  if (commandLine.show === 'sandbox') return commandLine.settings;
  process.stdout.write(commandLine.show === 'help' ? usage() : `${VERSION}\n`);
  process.exit(0);
}

/** One request as a line of the log: text, or a JSON object. */
function logLine(entry: RequestLogEntry, logFormat: CommandLineSettings['logFormat']): string {
  const time = new Date(entry.at).toISOString();
  if (logFormat === 'json') {
    return `${JSON.stringify({
      time,
      method: entry.method,
      path: entry.path,
      status: entry.status,
      duration_ms: Math.round(entry.ms * 10) / 10,
      account: entry.account ?? null,
      ...(entry.error ? { error: entry.error } : {}),
    })}\n`;
  }
  const code = entry.error ? ` ${entry.error.code}` : '';
  return `${time} ${entry.method} ${entry.path} ${entry.status} ${entry.ms.toFixed(1)}ms${code}\n`;
}

/** The start line: where it listens, and the token of each account (at most three), the inspector opened on the first. */
function startLine(sandbox: ListeningMockServer): string {
  const tokens = sandbox.state.allAccounts().map((account) => account.token);
  const shown = tokens.slice(0, 3).join(', ') + (tokens.length > 3 ? ` and ${tokens.length - 3} more` : '');
  const inspector = `${sandbox.url}/_inspector${tokens[0] ? `#token=${encodeURIComponent(tokens[0])}` : ''}`;
  return `Freshchat sandbox listening on ${sandbox.url} (API ${sandbox.url}/v2, docs ${sandbox.url}/docs, inspector ${inspector}, ${tokens.length === 1 ? 'token' : 'tokens'} ${shown})\n`;
}

/**
 * Reads the flags and the seed, listens, and stops on SIGINT or SIGTERM. A function rather than top-level code, so that
 * the bundle can be CommonJS, which Node starts sooner than an ES module (bench/NOTES.md, "The cold start measured
 * again").
 */
async function main(): Promise<void> {
  const { seed: seedPath, quiet, logFormat, ...settings } = settingsOrExit();

  let seed: SeedFile | undefined;
  if (seedPath !== undefined) {
    try {
      seed = await readSeedFile(seedPath);
    } catch (error) {
      fail(`cannot use seed ${seedPath}: ${(error as Error).message}`);
    }
  }

  try {
    const sandbox = await listen({
      ...settings,
      seed,
      onWarning: (message) => process.stderr.write(`freshchat-sandbox: warning: ${message}\n`),
      onRequest: quiet ? undefined : (entry) => process.stdout.write(logLine(entry, logFormat)),
    });
    process.stdout.write(startLine(sandbox));
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
    if (code === 'EADDRINUSE') fail(`port is in use (${(error as Error).message}); choose another with --port or PORT`);
    // A host that is not this machine's, a name that does not resolve, a port below 1024 without the right.
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') {
      fail(`cannot listen on ${settings.host} port ${settings.port} (${(error as Error).message})`);
    }
    if (error instanceof DomainError || error instanceof DataDirError || error instanceof RangeError)
      fail(error.message);
    throw error;
  }
}

void main();
