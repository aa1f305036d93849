import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { checkSeedFile, type SeedFile } from '../domain/sandbox.js';

/**
 * Reads a seed file: JSON when its name ends in `.json`, YAML otherwise (YAML 1.2 reads JSON too, but JSON's own
 * parser names a JSON file's mistakes in JSON's terms). Throws when it cannot be read, parsed, or checked.
 *
 * @example
 * const seed = readSeedFile('examples/seed.yaml');
 */
export function readSeedFile(path: string): SeedFile {
  const text = readFileSync(path, 'utf8');
  const data: unknown = path.toLowerCase().endsWith('.json') ? JSON.parse(text) : parse(text, { prettyErrors: true });
  return checkSeedFile(data);
}
