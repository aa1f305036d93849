import { parseArgs } from 'node:util';
import { OPTION_TABLE, type OptionName, type SandboxSettings } from './options.js';

/** A flag or variable the command line refuses: it prints the message on one line and exits 2. */
export class OptionError extends Error {}

/** The settings as the command line gives them: every default filled in, and the seed as a file's path. */
export type CommandLineSettings = Omit<SandboxSettings, 'seed'> & { seed?: string | undefined };

/** What the command line asks for: the usage, the version, or a sandbox with these settings. */
export type CommandLine = { show: 'help' | 'version' } | { show: 'sandbox'; settings: CommandLineSettings };

type AnyRow = (typeof OPTION_TABLE)[OptionName];

/** The environment variable of a flag: `report-delay` → `FRESHCHAT_SANDBOX_REPORT_DELAY`. */
export function environmentName(flag: string): string {
  return `FRESHCHAT_SANDBOX_${flag.toUpperCase().replaceAll('-', '_')}`;
}

const SWITCH_WORDS: Record<string, boolean> = {
  true: true,
  1: true,
  yes: true,
  on: true,
  false: false,
  0: false,
  no: false,
  off: false,
};

/**
 * Reads the flags, then `FRESHCHAT_SANDBOX_<FLAG>` (and `PORT`, `HOST`) for those not given, then the defaults, each
 * checked against its row of `OPTION_TABLE`. Throws an `OptionError` naming the flag or variable and what it takes.
 *
 * @example
 * readCommandLine(['--port', '0'], { FRESHCHAT_SANDBOX_REPORT_DELAY: '5' });
 * // → { show: 'sandbox', settings: { port: 0, reportDelaySeconds: 5, host: '127.0.0.1', … } }
 */
export function readCommandLine(argv: string[], env: Record<string, string | undefined>): CommandLine {
  const rows = Object.entries(OPTION_TABLE) as [OptionName, AnyRow][];
  const flags: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
  };
  for (const [, row] of rows) {
    flags[row.flag] = {
      type: row.kind === 'switch' ? 'boolean' : 'string',
      ...(row.kind === 'list' && { multiple: true }),
    };
  }
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    // `npm start -- --port 1` and `pnpm start -- --port 1` hand the command a leading `--`: the flags follow it.
    const args = argv[0] === '--' ? argv.slice(1) : argv;
    values = parseArgs({ args, options: flags, strict: true, allowPositionals: false }).values as typeof values;
  } catch (error) {
    throw new OptionError(`${(error as Error).message} (see --help)`);
  }
  if (values.help) return { show: 'help' };
  if (values.version) return { show: 'version' };
  const settings: Record<string, unknown> = {};
  for (const [name, row] of rows) {
    const given = values[row.flag];
    if (given !== undefined) {
      settings[name] = settingFrom(row, `--${row.flag}`, given);
      continue;
    }
    const variable = [environmentName(row.flag), 'env' in row ? row.env : undefined].find(
      (n) => n !== undefined && env[n] !== undefined && env[n] !== '',
    );
    if (variable !== undefined) settings[name] = settingFrom(row, variable, env[variable] as string);
    else if (row.kind === 'switch') settings[name] = false;
    else if (row.kind === 'limit') settings[name] = { [row.limit]: row.default };
    else if ('default' in row) settings[name] = row.default;
  }
  return { show: 'sandbox', settings: settings as CommandLineSettings };
}

/** A row's value from a flag's or a variable's text (`source` names which, for the message). */
function settingFrom(row: AnyRow, source: string, given: string | boolean | string[]): unknown {
  if (typeof given === 'boolean') return given;
  if (row.kind === 'list' || Array.isArray(given)) {
    // Repeated, or a comma list (the only way a variable can hold several).
    const names = [given]
      .flat()
      .flatMap((text) => text.split(','))
      .map((name) => name.trim())
      .filter((name) => name !== '');
    if (names.length === 0) throw new OptionError(`${source} must name at least one host, not "${given}"`);
    return names;
  }
  switch (row.kind) {
    case 'integer':
    case 'limit': {
      const value = /^-?\d+$/.test(given.trim()) ? Number(given) : Number.NaN;
      if (!(value >= row.min && value <= row.max))
        throw new OptionError(`${source} must be ${range(row)}, not "${given}"`);
      return row.kind === 'limit' ? { [row.limit]: value } : value;
    }
    case 'choice':
      if (!(row.values as readonly string[]).includes(given)) {
        throw new OptionError(`${source} must be ${row.values.map((v) => `"${v}"`).join(' or ')}, not "${given}"`);
      }
      return given;
    case 'switch': {
      const value = SWITCH_WORDS[given.toLowerCase()];
      if (value === undefined) throw new OptionError(`${source} must be true or false, not "${given}"`);
      return value;
    }
    case 'time':
      if (Number.isNaN(Date.parse(given))) {
        throw new OptionError(`${source} must be an ISO-8601 date-time such as 2030-01-01T09:00:00Z, not "${given}"`);
      }
      return given;
    default:
      return given;
  }
}

/** An integer row's range in words. */
function range(row: { min: number; max: number }): string {
  if (row.max === Number.MAX_SAFE_INTEGER && row.min === -row.max) return 'an integer';
  if (row.max === Number.MAX_SAFE_INTEGER) return `an integer >= ${row.min}`;
  return `an integer from ${row.min} to ${row.max}`;
}

/** A flag with its argument, as `--help` shows it: `--port <n>`, `--fsync <never|always>`, `--cors`. */
function flagText(row: AnyRow): string {
  switch (row.kind) {
    case 'switch':
      return `--${row.flag}`;
    case 'choice':
      return `--${row.flag} <${row.values.join('|')}>`;
    case 'time':
      return `--${row.flag} <iso>`;
    case 'seed':
      return `--${row.flag} <file>`;
    default:
      return `--${row.flag} <${row.arg}>`;
  }
}

/** What `--help` adds after a row's help: its range, default and older variable. */
function notes(row: AnyRow): string {
  const notes: string[] = [];
  if ((row.kind === 'integer' || row.kind === 'limit') && row.max !== Number.MAX_SAFE_INTEGER) {
    notes.push(`${row.min} to ${row.max}`);
  }
  if ('default' in row && row.default !== undefined) notes.push(`default ${row.default}`);
  if ('env' in row) notes.push(`also ${row.env}`);
  return notes.length > 0 ? ` (${notes.join('; ')})` : '';
}

const WIDTH = 110;

/** Wraps `text` to WIDTH columns, every line after the first indented by `indent`. */
function wrap(text: string, indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** The `--help` text, from `OPTION_TABLE`. */
export function usage(): string {
  const entries: [string, string][] = (Object.values(OPTION_TABLE) as AnyRow[]).map((row) => [
    flagText(row),
    `${row.help}${notes(row)}`,
  ]);
  entries.push(['-h, --help', 'this text'], ['-v, --version', 'the version']);
  const column = Math.max(...entries.map(([flag]) => flag.length)) + 4;
  const options = entries.map(([flag, help]) => `  ${flag.padEnd(column - 2)}${wrap(help, column)}`).join('\n');
  return `Usage: freshchat-sandbox [options]

Serves a stateful mock of Freshchat's agent-status API (under /v2) and its control API (under /_mock).

Options:
${options}

${wrap('Every flag can also be set as FRESHCHAT_SANDBOX_<FLAG>, the flag in upper case with _ for -: --report-delay 5 is FRESHCHAT_SANDBOX_REPORT_DELAY=5, and --cors is FRESHCHAT_SANDBOX_CORS=true. A flag wins over its variable.', 0)}
`;
}
