import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const DEMO_DIR = fileURLToPath(new URL('..', import.meta.url));

function run(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/walkthrough.ts'], {
      cwd: DEMO_DIR,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('the walkthrough runs every step against its own sandbox and exits 0', async () => {
  const { code, stdout, stderr } = await run();
  expect(stderr).not.toContain('FAILED');
  expect(code, `${stdout}\n${stderr}`).toBe(0);

  expect(stdout).toMatch(/^1\. Start a sandbox/m);
  expect(stdout).toMatch(/Meeting\s+ea0ab820-e97c-47f5-8443-7bd362adc393/);
  expect(stdout).toContain('5 custom statuses');
  // The first webhook, printed field by field.
  expect(stdout).toMatch(/actor:\s+admin 5b3c1f0e-7a52-4d6b-9c1e-2f4a8d9e0b71/);
  expect(stdout).toMatch(/status:\s+UNAVAILABLE/);
  expect(stdout).toMatch(/agent_status:\s+Meeting/);
  expect(stdout).toContain('signature verified');
  expect(stdout).toMatch(/8 webhooks received and verified, 0 refused/);
  // Progress while PENDING, then the table.
  expect(stdout).toMatch(/poll 1: .* PENDING/);
  expect(stdout).toMatch(/poll \d+: .* COMPLETED/);
  expect(stdout).toMatch(
    /^\s+agent\s+Active on IntelliAssign\s+Unavailable\s+Break\s+Knowledge training\s+Lunch\s+Meeting\s+total$/m,
  );
  // The sandbox's clock is frozen: every duration comes from the walkthrough's own clock moves, exactly. The
  // account's admin, the actor of the API's changes, is one of its agents, active throughout.
  const table = [
    '   agent          Active on IntelliAssign  Unavailable    Break  Knowledge training    Lunch  Meeting       total',
    '   -------------  -----------------------  -----------  -------  ------------------  -------  -------  ----------',
    '   Account Admin               2h 05m 00s            -        -                   -        -        -  2h 05m 00s',
    '   John Doe                    1h 20m 00s            -        -                   -        -  45m 00s  2h 05m 00s',
    '   Matt Gibson                 1h 25m 00s            -        -                   -  40m 00s        -  2h 05m 00s',
    '   Sarah Jones                    55m 00s            -  15m 00s             55m 00s        -        -  2h 05m 00s',
    '   Sebastian Ric               1h 45m 00s      20m 00s        -                   -        -        -  2h 05m 00s',
  ].join('\n');
  expect(stdout).toContain(`\n${table}\n`);
  expect(stdout).toContain('John Doe spent 45m 00s in Meeting.');
  // One sub-report for the whole window, as Freshchat's example; then the same window split in 3, read link by link.
  expect(stdout).toMatch(/COMPLETED: 1 sub-report\(s\) for \S+ \S+ \S+ \S+\n/);
  expect(stdout).toContain('13 rows in 1 CSV file(s)');
  expect(stdout).toMatch(/Ask for the next report in 3 parts .*\n\s+3 sub-reports, 23 rows: the same table\n/);
  expect(stdout).toMatch(/Stop the receiver and the sandbox\n\s+done/);
  expect(stdout).toContain('Walkthrough complete.');
});
