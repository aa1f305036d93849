import { readFileSync } from 'node:fs';

/**
 * The package's version, read from its package.json, which is one folder above `src/` and `dist/` alike. A consumer
 * that bundles the library moves it away from that file: the version is then `unknown` rather than a failed import.
 */
export const VERSION: string = readVersion();

function readVersion(): string {
  try {
    const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
