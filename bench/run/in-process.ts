import { execFileSync } from 'node:child_process';
import { measureInProcessCall } from '../in-process-call.mjs';
import { otherNodes } from './other-nodes.js';
import { quick, root } from './settings.js';

/** One Node's median in-process call; `missing` says why a Node could not be measured. */
export type InProcessRun = { node: string; medianUs: number; missing?: string };

/**
 * The median microseconds of one `client.GET('/agents/status')` through `app.fetch`: on the Node running the bench,
 * then on each of the other supported Nodes. Undici, which builds the client's Request and Response, differs most
 * between Nodes, so one Node's figure says little of another's.
 */
export async function measureInProcess(): Promise<InProcessRun[]> {
  const runs: InProcessRun[] = [{ node: process.version, medianUs: await measureInProcessCall({ quick }) }];
  for (const { major, binary, missing } of otherNodes()) {
    if (!binary) {
      runs.push({ node: `v${major}`, medianUs: Number.NaN, missing });
      continue;
    }
    const out = execFileSync(binary, ['bench/in-process-call.mjs', ...(quick ? ['--quick'] : [])], {
      cwd: root,
      encoding: 'utf8',
    });
    runs.push(JSON.parse(out.trim().split('\n').at(-1) as string) as InProcessRun);
  }
  return runs;
}
