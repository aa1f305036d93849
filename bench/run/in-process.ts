import { execFileSync } from 'node:child_process';
import { measureInProcessCall } from '../in-process-call.mjs';
import { quick, root } from './settings.js';

/** One Node's median in-process call; `missing` says why a Node could not be measured. */
export type InProcessRun = { node: string; medianUs: number; missing?: string };

/** The Nodes besides this one that users run and CI proves the packages on (as `.ci/run` names them). */
const OTHER_NODES = [22, 24, 26];

/**
 * The median microseconds of one `client.GET('/agents/status')` through `app.fetch`: on the Node running the bench,
 * then on each of OTHER_NODES from the npm registry's `node` package (about 20 s each the first time). Undici, which
 * builds the client's Request and Response, differs most between Nodes, so one Node's figure says little of another's.
 */
export async function measureInProcess(): Promise<InProcessRun[]> {
  const runs: InProcessRun[] = [{ node: process.version, medianUs: await measureInProcessCall({ quick }) }];
  for (const major of OTHER_NODES) {
    try {
      const node = execFileSync('npx', ['-y', '-p', `node@${major}`, 'node', '-p', 'process.execPath'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
      const args = ['bench/in-process-call.mjs', ...(quick ? ['--quick'] : [])];
      const out = execFileSync(node, args, { cwd: root, encoding: 'utf8' });
      runs.push(JSON.parse(out.trim().split('\n').at(-1) as string) as InProcessRun);
    } catch (error) {
      runs.push({ node: `v${major}`, medianUs: Number.NaN, missing: (error as Error).message.split('\n')[0] });
    }
  }
  return runs;
}
