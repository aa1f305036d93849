/**
 * `docs/cli.md` documents every row of `OPTION_TABLE`: its table is the one rendered here, so a new or changed setting
 * that the guide does not show fails this test (the message holds the table to paste).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { environmentName } from './command-line.js';
import { OPTION_TABLE } from './options.js';

type Row = (typeof OPTION_TABLE)[keyof typeof OPTION_TABLE];

/** What a row takes, in words. */
function takes(row: Row): string {
  switch (row.kind) {
    case 'integer':
    case 'limit':
      if (row.max === Number.MAX_SAFE_INTEGER) return row.min < 0 ? 'a safe integer' : `an integer ≥ ${row.min}`;
      return `an integer, ${row.min} to ${row.max}`;
    case 'choice':
      return row.values.map((v) => `\`${v}\``).join(' or ');
    case 'switch':
      return 'a switch';
    case 'time':
      return 'an ISO-8601 date-time';
    case 'seed':
      return 'a JSON or YAML file';
    case 'list':
      return 'names, repeated or comma-separated';
    default:
      return 'text';
  }
}

/** The guide's table of settings, from the options table. */
function settingsTable(): string {
  const lines = [
    '| flag | environment variable | takes | default | what it does | in `listen()` |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const [name, row] of Object.entries(OPTION_TABLE) as [string, Row][]) {
    const variables = [environmentName(row.flag), ...('env' in row ? [row.env] : [])].map((v) => `\`${v}\``);
    const fallback =
      'default' in row && row.default !== undefined ? `\`${row.default}\`` : row.kind === 'switch' ? 'off' : '—';
    const field = row.kind === 'limit' ? `${name}.${row.limit}` : name;
    const programmatic = ['quiet', 'logFormat'].includes(name) ? '(command line only)' : `\`${field}\``;
    const help = row.help.replaceAll('|', '\\|');
    lines.push(
      `| \`--${row.flag}\` | ${variables.join(', ')} | ${takes(row)} | ${fallback} | ${help} | ${programmatic} |`,
    );
  }
  return lines.join('\n');
}

/** A markdown table's rows as trimmed cells, whatever the padding, without the separator row. */
function cells(lines: string[]): string[][] {
  return lines
    .filter((line) => !/^\|[\s|-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

describe('docs/cli.md', () => {
  it("holds the options table's rows", () => {
    const guide = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8').split('\n');
    const start = guide.findIndex((line) => /^\| flag +\| environment variable/.test(line));
    const end = guide.findIndex((line, i) => i > start && !line.startsWith('|'));
    const table = settingsTable();
    expect(cells(guide.slice(start, end)), `docs/cli.md should hold this table:\n\n${table}\n`).toEqual(
      cells(table.split('\n')),
    );
  });
});
