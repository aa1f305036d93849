import { describe, expect, it } from 'vitest';
import { type JournalEntry, RequestJournal } from './request-journal.js';

/** The journal only stores `at`; what it holds does not matter here. */
const AT = Date.parse('2030-06-15T12:00:00.000Z') as unknown as JournalEntry['at'];

const entry = (id: number): JournalEntry => ({
  id,
  at: AT,
  method: 'GET',
  path: '/v2/agents',
  operation: 'listAgents',
  status: 200,
  duration_ms: 1,
});

describe('RequestJournal', () => {
  it('answers its entries oldest first, and the last few with a limit', () => {
    const journal = new RequestJournal(10);
    for (const id of [1, 2, 3]) journal.add(entry(id));
    expect(journal.entries().map((e) => e.id)).toEqual([1, 2, 3]);
    expect(journal.entries(2).map((e) => e.id)).toEqual([2, 3]);
    expect(journal.entries(50).map((e) => e.id)).toEqual([1, 2, 3]);
  });

  it('drops the oldest entries past its capacity', () => {
    const journal = new RequestJournal(3);
    for (let id = 1; id <= 7; id++) journal.add(entry(id));
    expect(journal.entries().map((e) => e.id)).toEqual([5, 6, 7]);
    expect(journal.entries(1).map((e) => e.id)).toEqual([7]);
  });

  it('is empty at first', () => {
    expect(new RequestJournal().entries()).toEqual([]);
  });
});
