import { describe, expect, it } from 'vitest';
import { fieldPath } from './field-path.js';

describe('fieldPath', () => {
  it('joins object keys with dots and puts array indices in brackets', () => {
    expect(fieldPath('/agent_status/id')).toBe('agent_status.id');
    expect(fieldPath('/statuses/0/name')).toBe('statuses[0].name');
    expect(fieldPath('/accounts/0/agents/12')).toBe('accounts[0].agents[12]');
    expect(fieldPath('/0/id')).toBe('[0].id');
  });

  it('unescapes ~1 and ~0', () => {
    expect(fieldPath('/headers/a~1b/c~0d')).toBe('headers.a/b.c~d');
  });

  it('names the root with an empty path, and a property of the field when given one', () => {
    expect(fieldPath('')).toBe('');
    expect(fieldPath('', 'start')).toBe('start');
    expect(fieldPath('/data/agent_availability', 'agent_id')).toBe('data.agent_availability.agent_id');
    expect(fieldPath('/accounts/0', 'agents')).toBe('accounts[0].agents');
  });
});
