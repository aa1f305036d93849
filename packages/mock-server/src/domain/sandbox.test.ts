import { describe, expect, it } from 'vitest';
import { refusal } from '../testing/refusal.js';
import { frozenClock, iso, T0 } from '../testing/sandbox-harness.js';
import { DEFAULT_SEED } from './accounts/default-seed.js';
import { Sandbox } from './sandbox.js';
import { checkSeedFile } from './seed-file.js';

const STATUS = '0c0c0c0c-1111-4222-8333-444444444444';

describe('a seed', () => {
  it('is the built-in one by default, which the SeedFile schema holds valid', () => {
    expect(checkSeedFile(DEFAULT_SEED)).toBe(DEFAULT_SEED);
  });

  it('is checked against the SeedFile schema, naming the field', () => {
    expect(refusal(() => checkSeedFile({ accounts: [] }))).toEqual({
      kind: 'invalid',
      code: 'INVALID_SEED',
      message: 'accounts: must NOT have fewer than 1 items',
    });
    expect(refusal(() => checkSeedFile({ accounts: [{ agents: [{ first_name: 'A' }] }] }))).toEqual({
      kind: 'invalid',
      code: 'INVALID_SEED',
      message: "accounts[0].agents[0]: must have required property 'last_name'",
    });
  });

  it('refuses references it cannot resolve and times in the future, naming the seed path', () => {
    const clock = frozenClock();
    const withAgent = (agent: object) => ({ accounts: [{ agents: [{ first_name: 'A', last_name: 'B', ...agent }] }] });
    expect(refusal(() => new Sandbox({ clock, seed: withAgent({ agent_status_id: STATUS }) }))).toEqual({
      kind: 'invalid',
      code: 'INVALID_VALUE',
      message: 'agents[0].agent_status_id: no status with this id',
    });
    expect(refusal(() => new Sandbox({ clock, seed: withAgent({ since: iso(T0 + 1000) }) }))).toEqual({
      kind: 'invalid',
      code: 'INVALID_VALUE',
      message: 'agents[0].since: must not be in the future',
    });
  });
});
