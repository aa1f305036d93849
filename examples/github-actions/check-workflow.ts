/**
 * CI's check of sandbox-tests.yml: its syntax against GitHub's workflow schema (action-validator), then its `run`
 * steps, in order, as the runner would run them (bash -eo pipefail, in this folder, with the workflow's env), on a
 * free port instead of 4010. `uses:` steps are the runner's own setup and are skipped, saying so. Every process a
 * step leaves running (the sandbox) is stopped at the end, by its process group.
 *
 *   npx -y pnpm@10 --filter @freshchat-sandbox/example-github-actions check-workflow
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const workflowFile = join(here, 'sandbox-tests.yml');

type Step = { name?: string; uses?: string; run?: string; if?: string; env?: Record<string, string> };
type Workflow = { env?: Record<string, string>; jobs: Record<string, { env?: Record<string, string>; steps: Step[] }> };

console.log(`syntax: ${workflowFile} against GitHub's workflow schema`);
execFileSync(join(here, 'node_modules/.bin/action-validator'), [workflowFile], { stdio: 'inherit' });
const workflow = parse(readFileSync(workflowFile, 'utf8'), { strict: true, uniqueKeys: true }) as Workflow;

// The health path arrives with the CLI's conventions; until the control API declares it, the steps cannot pass.
const controlDocument = readFileSync(join(here, '../../openapi/mock-control.yaml'), 'utf8');
if (!/^ {2}\/_mock\/health:/m.test(controlDocument)) {
  console.log('steps: not run, since openapi/mock-control.yaml does not declare GET /_mock/health yet');
  process.exit(0);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `${{ env.NAME }}` from `env`; any other expression is something this check cannot run, so it fails. */
function expand(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expression: string) => {
    const name = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expression)?.[1];
    if (name === undefined) throw new Error(`cannot evaluate \${{ ${expression} }}`);
    return env[name] ?? '';
  });
}

const groups: ChildProcess[] = [];
function runStep(script: string, env: NodeJS.ProcessEnv): Promise<number | null> {
  // Its own process group, so that what it leaves in the background can be stopped with it.
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd: here,
    env,
    stdio: 'inherit',
    detached: true,
  });
  groups.push(child);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function stopGroups(): void {
  for (const child of groups) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // The group has already exited.
    }
  }
}

let failed = false;
try {
  const [jobName, job] = Object.entries(workflow.jobs)[0] ?? [];
  if (job === undefined) throw new Error('the workflow has no job');
  // A runner's environment, not this package script's: pnpm's npm_* settings would only make npm warn.
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('npm_'));
  const env: Record<string, string | undefined> = { ...Object.fromEntries(inherited), ...workflow.env, ...job.env };
  env.SANDBOX_PORT = String(await freePort());
  console.log(`steps of job ${jobName}, with SANDBOX_PORT=${env.SANDBOX_PORT}`);
  for (const [index, step] of job.steps.entries()) {
    const label = `step ${index + 1} (${step.name ?? step.uses ?? step.run?.split('\n')[0]})`;
    if (step.run === undefined) {
      console.log(`${label}: skipped, the runner's own setup`);
      continue;
    }
    if (failed && !step.if?.includes('always()')) {
      console.log(`${label}: skipped after a failure`);
      continue;
    }
    const stepEnv = { ...env };
    for (const [name, value] of Object.entries(step.env ?? {})) stepEnv[name] = expand(String(value), env);
    console.log(`${label}: running`);
    const code = await runStep(expand(step.run, env), stepEnv);
    if (code !== 0) {
      console.error(`${label}: exited ${code}`);
      failed = true;
    }
  }
} finally {
  stopGroups();
  const log = join(here, 'sandbox.log');
  if (existsSync(log)) rmSync(log);
}
if (failed) process.exit(1);
console.log('every step passed');
