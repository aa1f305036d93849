import { join } from 'node:path';

/** The repository's root: servers start here, BENCHMARKS.md is written here. */
export const root = join(import.meta.dirname, '..', '..');
/** `--quick`: shorter runs and fewer rounds, for a look rather than a figure. */
export const quick = process.argv.includes('--quick');
/** Seconds of load per run. */
export const DURATION = quick ? 2 : 3;
/** Rounds of each load scenario, every round running the three servers back to back. */
export const ROUNDS = quick ? 1 : 5;
/** autocannon's connections per run. */
export const CONNECTIONS = 50;
/** The seeded account's token. */
export const TOKEN = 'sandbox-token';
/** The seeded agent the PATCH scenario changes (John Doe). */
export const AGENT = 'afd5102c-5443-4fe3-a069-4fe25189a0a1';
/** The seeded custom statuses the PATCH scenario alternates between. */
export const MEETING = 'ea0ab820-e97c-47f5-8443-7bd362adc393';
export const LUNCH = 'ccd63293-dd83-4369-a1e9-27aeabc4e62e';
/** The Prism binary contract-tests installs. */
export const prismBin = join(root, 'packages/contract-tests/node_modules/.bin/prism');

/** The median of `xs` (the mean of the middle two for an even count). */
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
