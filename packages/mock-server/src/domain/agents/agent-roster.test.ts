import { describe, expect, it } from 'vitest';
import { refusal } from '../../testing/refusal.js';
import { StatusHistory } from '../history/status-history.js';
import { AgentRoster } from './agent-roster.js';
import { StatusCatalog } from './agent-status.js';

const NOW = Date.parse('2030-06-15T12:00:00.000Z');
const admin = { type: 'admin' as const, id: 'admin' };
const SINCE_REFUSED = {
  kind: 'invalid',
  code: 'INVALID_VALUE',
  message: 'since: must not be in the future nor earlier than the last recorded status change',
};

describe('AgentRoster.hire', () => {
  it('adds an agent created now, on its status since now when no since is given', () => {
    const history = new StatusHistory();
    const roster = new AgentRoster(new StatusCatalog(), history);
    const agent = roster.hire({ firstName: 'Ada', lastName: 'Lovelace', actor: admin }, NOW);
    expect(agent.createdAt).toBe(NOW);
    expect(history.current(agent.id)?.at).toBe(NOW);
  });

  it('refuses a since in the future or before the last recorded change, and accepts both bounds', () => {
    const history = new StatusHistory();
    const roster = new AgentRoster(new StatusCatalog(), history);
    roster.hire({ firstName: 'A', lastName: 'One', since: NOW - 60_000, actor: admin }, NOW);
    expect(refusal(() => roster.hire({ firstName: 'B', lastName: 'Two', since: NOW + 1, actor: admin }, NOW))).toEqual(
      SINCE_REFUSED,
    );
    expect(
      refusal(() => roster.hire({ firstName: 'B', lastName: 'Two', since: NOW - 60_001, actor: admin }, NOW)),
    ).toEqual(SINCE_REFUSED);
    expect(roster.hire({ firstName: 'B', lastName: 'Two', since: NOW - 60_000, actor: admin }, NOW).createdAt).toBe(
      NOW,
    );
    expect(roster.hire({ firstName: 'C', lastName: 'Three', since: NOW, actor: admin }, NOW).createdAt).toBe(NOW);
    expect(roster.all()).toHaveLength(3);
  });
});
