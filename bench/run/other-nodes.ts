import { execFileSync } from 'node:child_process';

/** A Node besides the bench's own: its binary, or why it could not be had. */
export type OtherNode = { major: number; binary?: string; missing?: string };

/** The Nodes besides this one that users run and CI proves the packages on (as `.ci/run` names them). */
const MAJORS = [22, 24, 26];

let found: OtherNode[] | undefined;

/**
 * Node 22, 24 and 26 from the npm registry's `node` package (about 20 s each the first time, cached after), found
 * once per bench run. A Node that cannot be fetched (no network) is listed with the reason.
 */
export function otherNodes(): OtherNode[] {
  found ??= MAJORS.map((major) => {
    try {
      const binary = execFileSync('npx', ['-y', '-p', `node@${major}`, 'node', '-p', 'process.execPath'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
      return { major, binary };
    } catch (error) {
      return { major, missing: (error as Error).message.split('\n')[0] };
    }
  });
  return found;
}
