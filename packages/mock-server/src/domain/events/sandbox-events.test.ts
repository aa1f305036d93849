/**
 * Decide, append, apply: a command hands its events to the sink before anything changes, a refused batch changes
 * nothing (and draws no seeded id for good), and a sandbox fed another's batches is in the same state.
 */
import { describe, expect, it } from 'vitest';
import { frozenClock, IDS } from '../../testing/sandbox-harness.js';
import type { Account } from '../accounts/account.js';
import { DomainError, storageUnavailable } from '../domain-error.js';
import { Sandbox } from '../sandbox.js';
import type { SimulationOutcome } from '../simulation/account-simulation.js';
import {
  addFault,
  advanceClock,
  createStatus,
  deleteStatus,
  hireAgent,
  renameStatus,
  setAgentLogin,
  simulateHistorySteps,
  subscribe,
  takeRequestFaults,
} from './account-commands.js';
import { type EventBatch, type EventSink, whenDone } from './event-sink.js';

const ADMIN = { type: 'admin' as const, id: 'admin' };

/** Runs a command given in steps to its end. */
function finish<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Every command this test drives, in order, against `sandbox`. */
function drive(sandbox: Sandbox): unknown[] {
  const account = sandbox.authenticate('sandbox-token');
  if (!account) throw new Error('no default account');
  const run = (fn: () => unknown) => {
    try {
      return fn();
    } catch (error) {
      return error instanceof DomainError ? { refused: error.code } : Promise.reject(error);
    }
  };
  return [
    run(() => sandbox.changeStatus(account, IDS.john, { agent_status: { id: IDS.lunch } }, ADMIN)),
    run(() => createStatus(sandbox, account, { name: 'Focus' })),
    run(() => renameStatus(sandbox, account, IDS.break, { name: 'Pause', emoji: '⏸' })),
    run(() => deleteStatus(sandbox, account, IDS.teaBreak)),
    run(() => deleteStatus(sandbox, account, IDS.lunch)),
    run(() => advanceClock(sandbox, 90)),
    run(() => hireAgent(sandbox, account, { firstName: 'Ada', lastName: 'Event' })),
    run(() => setAgentLogin(sandbox, account, IDS.matt, false)),
    run(() => subscribe(sandbox, account, 'http://127.0.0.1:9/events')),
    run(() => addFault(sandbox, account, { type: 'latency', operation: 'listAgents', ms: 5, count: 2 })),
    run(() => takeRequestFaults(sandbox, account, 'listAgents')),
    run(() => finish(simulateHistorySteps(sandbox, account, { agents: 2, days: 1, seed: 9 }))),
    run(() => whenDone(sandbox.createAccount({ statuses: [{ name: 'Other' }] }), (a) => [a.appId, a.token])),
  ];
}

/** What a test can read of the default account. */
function state(sandbox: Sandbox) {
  const account = sandbox.authenticate('sandbox-token');
  if (!account) throw new Error('no default account');
  return {
    now: sandbox.clock.now(),
    statuses: account.statuses.all(),
    agents: account.agents.all(),
    history: account.agents.all().flatMap((a) => account.history.forAgent(a.id)),
    faults: account.faults.all(),
    subscriptions: account.webhooks.all(),
    accounts: sandbox.allAccounts().map((a) => a.appId),
  };
}

describe('Commands.execute', () => {
  it('hands a command’s events to the sink before it applies them, and a sandbox fed them ends in the same state', () => {
    const batches: EventBatch[] = [];
    let sandbox: Sandbox | undefined;
    const sink: EventSink = {
      accept: (batch) => {
        // Nothing of the batch is applied yet: a status change is not in the history when the sink sees it.
        for (const event of batch.events) {
          if (event.type === 'statusChanged' && sandbox) {
            const account = sandbox.authenticate('sandbox-token');
            expect(account?.history.current(event.agentId)?.statusId).not.toBe(event.statusId);
          }
        }
        batches.push(structuredClone(batch));
      },
    };
    sandbox = new Sandbox({ clock: frozenClock(), sink, idSeed: 5 });
    const answers = drive(sandbox);
    expect(answers[4]).toEqual({ refused: 'STATUS_IN_USE' });
    expect(batches[0]?.events[0]?.type).toBe('sandboxStarted');
    expect(batches.map((b) => b.events.map((e) => e.type))).toEqual([
      ['sandboxStarted'],
      ['statusChanged'],
      ['statusCreated'],
      ['statusRenamed'],
      ['statusDeleted'],
      ['clockSet'],
      ['agentHired'],
      ['agentLoggedOut'],
      ['subscriptionAdded'],
      ['faultAdded'],
      ['faultUsed'],
      ['historySimulated'],
      ['accountCreated'],
    ]);

    // Another clock, far from the first: the replica reads its times from the events, not from its clock.
    const replica = new Sandbox({
      clock: frozenClock(Date.parse('2040-01-01T00:00:00Z')),
      replay: (apply) => {
        for (const batch of batches) apply(batch);
      },
    });
    expect(state(replica)).toEqual(state(sandbox));
    // And it draws the seeded ids on from where the first stopped.
    expect(replica.newId()).toBe(sandbox.newId());
  });

  it('applies a simulation in steps: commands carried out between them come after it, and a replica agrees', () => {
    const batches: EventBatch[] = [];
    const sandbox = new Sandbox({
      clock: frozenClock(),
      sink: { accept: (batch) => void batches.push(structuredClone(batch)) },
      idSeed: 5,
    });
    const account = sandbox.authenticate('sandbox-token');
    if (!account) throw new Error('no default account');
    // 600 agent-days: more than one step's worth in each phase (making the floor, merging it into the history).
    const steps = simulateHistorySteps(sandbox, account, { agents: 300, days: 2, seed: 3 });
    const between: string[] = [];
    let step = steps.next();
    for (let n = 0; !step.done; n++) {
      if (n === 0) {
        // While the floor is made: a new status, which the floor depends on, so it is made again.
        createStatus(sandbox, account, { name: 'Focus' });
        between.push('statusCreated');
      } else if (account.history.backfilling && !between.includes('clockSet')) {
        // While the floor is merged into the history: the clock moves, John changes status, an agent is hired.
        advanceClock(sandbox, 60);
        sandbox.changeStatus(account, IDS.john, { agent_status: { id: IDS.lunch } }, ADMIN);
        hireAgent(sandbox, account, { firstName: 'New', lastName: 'Hire' });
        between.push('clockSet', 'statusChanged', 'agentHired');
      }
      step = steps.next();
    }
    const made = step.value as SimulationOutcome;
    expect(between).toEqual(['statusCreated', 'clockSet', 'statusChanged', 'agentHired']);
    expect(made.agentIds).toHaveLength(300);
    // The simulation's event was kept before the commands of its merge, and after those of its floor.
    expect(batches.slice(1).map((b) => b.events.map((e) => e.type))).toEqual([
      ['statusCreated'],
      ['historySimulated'],
      ['clockSet'],
      ['statusChanged'],
      ['agentHired'],
    ]);
    // John's change, made during the merge, follows his earlier entries; every simulated agent has its history.
    expect(account.history.current(IDS.john)?.statusId).toBe(IDS.lunch);
    expect(made.agentIds.every((id) => account.history.forAgent(id).length > 0)).toBe(true);

    const replica = new Sandbox({
      clock: frozenClock(Date.parse('2040-01-01T00:00:00Z')),
      replay: (apply) => {
        for (const batch of batches) apply(batch);
      },
    });
    expect(state(replica)).toEqual(state(sandbox));
  });

  it('resets one account in one event, keeping its token, and a replica agrees', () => {
    const batches: EventBatch[] = [];
    const sandbox = new Sandbox({
      clock: frozenClock(),
      sink: { accept: (batch) => void batches.push(structuredClone(batch)) },
      idSeed: 5,
    });
    const other = sandbox.createAccount({ statuses: [{ name: 'Seeded' }] }) as Account;
    const mine = sandbox.authenticate('sandbox-token') as Account;
    createStatus(sandbox, other, { name: 'Later' });
    createStatus(sandbox, mine, { name: 'Mine' });
    sandbox.resetAccount(other);
    expect(batches.at(-1)?.events.map((e) => e.type)).toEqual(['accountReset']);
    const reset = sandbox.authenticate(other.token) as Account;
    expect(reset).not.toBe(other);
    expect(reset.appId).toBe(other.appId);
    expect(reset.statuses.custom().map((s) => s.name)).toEqual(['Seeded']);
    const replica = new Sandbox({
      clock: frozenClock(Date.parse('2040-01-01T00:00:00Z')),
      replay: (apply) => {
        for (const batch of batches) apply(batch);
      },
    });
    expect(state(replica)).toEqual(state(sandbox));
    expect(replica.authenticate(other.token)?.statuses.all()).toEqual(reset.statuses.all());
  });

  it('applies nothing the sink refuses, and draws the refused command’s seeded ids again for the next one', () => {
    let refuse = false;
    const sink: EventSink = {
      accept: () => {
        if (refuse) throw storageUnavailable('ENOSPC');
      },
    };
    const sandbox = new Sandbox({ clock: frozenClock(), sink, idSeed: 5 });
    const twin = new Sandbox({ clock: frozenClock(), idSeed: 5 });
    const before = state(sandbox);
    refuse = true;
    const answers = drive(sandbox);
    // With no fault added, none is taken: nothing to keep, nothing refused. (And with John's change refused, Lunch
    // is free to delete: that command too reaches the sink, and is refused there.)
    expect(answers[10]).toEqual({ latency: undefined, drop: undefined, error: undefined });
    for (const [i, answer] of answers.entries()) {
      if (i !== 10) expect(answer, `command ${i}`).toEqual({ refused: 'STORAGE_UNAVAILABLE' });
    }
    expect(state(sandbox)).toEqual(before);
    refuse = false;
    // Once the sink takes writes again, the same commands give what a sandbox that never failed gives.
    expect(drive(sandbox)).toEqual(drive(twin));
    expect(state(sandbox)).toEqual(state(twin));
  });
});
