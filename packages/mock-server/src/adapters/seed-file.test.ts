import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openSandbox } from '../testing/sandbox-harness.js';
import { readSeedFile } from './seed-file.js';

/** The example seed the docs point at. */
const EXAMPLE = fileURLToPath(new URL('../../../../examples/seed.yaml', import.meta.url));

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Writes `text` to a fresh temporary file named `name`, and returns its path. */
function file(name: string, text: string): string {
  dir = mkdtempSync(join(tmpdir(), 'seed-file-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('readSeedFile', () => {
  it('loads examples/seed.yaml, whose accounts answer with their own tokens', async () => {
    const seed = await readSeedFile(EXAMPLE);
    expect(seed.accounts.map((a) => a.token)).toEqual(['support-team-token', 'sales-team-token']);
    const { clientsFor } = openSandbox({ seed });
    const support = clientsFor('support-team-token');
    const { data: statuses } = await support.freshchat.GET('/agents/status');
    expect(statuses?.states).toEqual([
      { id: '7a0c5d3e-1f2b-4c6d-8e9f-0a1b2c3d4e5f', name: 'Lunch' },
      { id: '8b1d6e4f-2a3c-4d7e-9f0a-1b2c3d4e5f60', name: 'Training' },
    ]);
    const { data: grace } = await support.freshchat.GET('/agents/{agent_id}', {
      params: { path: { agent_id: '3f2e1d0c-b9a8-4765-8432-10fedcba9876' } },
    });
    expect(grace?.agent_status).toEqual({ id: '7a0c5d3e-1f2b-4c6d-8e9f-0a1b2c3d4e5f', name: 'Lunch' });
    const sales = clientsFor('sales-team-token');
    expect((await sales.freshchat.GET('/agents/status')).data?.states.map((s) => s.name)).toEqual(['Meeting']);
  });

  it('reads the same seed from JSON and from YAML', async () => {
    const seed = { accounts: [{ token: 'yaml-or-json', agents: [{ first_name: 'A', last_name: 'B' }] }] };
    const yaml = 'accounts:\n  - token: yaml-or-json\n    agents:\n      - { first_name: A, last_name: B }\n';
    expect(await readSeedFile(file('seed.yml', yaml))).toEqual(seed);
    expect(await readSeedFile(file('seed.json', JSON.stringify(seed)))).toEqual(seed);
    // A JSON document is YAML too, whatever the file is called.
    expect(await readSeedFile(file('seed.txt', JSON.stringify(seed)))).toEqual(seed);
  });

  it('names a YAML mistake by line, and a field the schema refuses by its path', async () => {
    await expect(readSeedFile(file('bad.yaml', 'accounts:\n  - token: a\n   agents: []\n'))).rejects.toThrow(
      /at line 3/,
    );
    await expect(readSeedFile(file('bad.yaml', 'accounts:\n  - token: short\n'))).rejects.toThrow(
      /^accounts\[0\]\.token: must NOT have fewer than 8 characters$/,
    );
    await expect(readSeedFile(file('bad.json', '{"accounts": [}'))).rejects.toThrow(SyntaxError);
  });
});
