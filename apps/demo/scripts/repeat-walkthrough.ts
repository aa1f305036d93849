/**
 * Runs the walkthrough again and again (20 times by default, or `--runs N`) and checks that every run exits 0 and
 * prints the very same time-per-status table: the proof that a frozen sandbox gives exact answers every time.
 *
 *   npx -y pnpm@10 demo:repeat            # 20 runs
 *   npx -y pnpm@10 demo:repeat --runs 50
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, not ${values.runs}`);

const demoDir = fileURLToPath(new URL('..', import.meta.url));
/** The time-per-status table: from its header line to the first blank line after it. */
const tableOf = (stdout: string) => /^ +agent +Active on IntelliAssign.*?\n(?=\s*\n)/ms.exec(stdout)?.[0];

let first: string | undefined;
let identical = 0;
for (let run = 1; run <= runs; run++) {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/walkthrough.ts'], {
    cwd: demoDir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  const table = tableOf(result.stdout);
  first ??= table;
  const same = result.status === 0 && table !== undefined && table === first;
  if (same) identical++;
  const ms = Math.round(performance.now() - started);
  console.log(`run ${String(run).padStart(3)}: exit ${result.status}, ${same ? 'same table' : 'DIFFERENT'} (${ms} ms)`);
  if (!same) console.log(`${result.stdout}\n${result.stderr}`);
}
console.log(`\n${identical} of ${runs} runs exited 0 with the identical table:\n${first ?? '(no table)'}`);
process.exitCode = identical === runs ? 0 : 1;
