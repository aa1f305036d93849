import { promises as fs } from 'node:fs';
import { checkSeedFile, type SeedFile } from '../domain/seed-file.js';

/**
 * Reads a seed file: JSON when its name ends in `.json`, YAML otherwise (YAML 1.2 reads JSON too, but JSON's own
 * parser names a JSON file's mistakes in JSON's terms). Rejects when it cannot be read, parsed, or checked. The YAML
 * parser is loaded only for a YAML file, and Node's promise-based fs only when a file is read, so that a start without
 * one pays for neither.
 *
 * @example
 * const seed = await readSeedFile('examples/seed.yaml');
 */
export async function readSeedFile(path: string): Promise<SeedFile> {
  const text = await fs.readFile(path, 'utf8');
  if (path.toLowerCase().endsWith('.json')) return checkSeedFile(JSON.parse(text));
  const { parse } = await import('yaml');
  return checkSeedFile(parse(text, { prettyErrors: true }));
}
