import { emailFromName } from '../agents/agent-email.js';
import type { Agent, AgentRoster } from '../agents/agent-roster.js';
import type { StatusCatalog } from '../agents/agent-status.js';
import { DomainError } from '../domain-error.js';
import type { StatusHistory } from '../history/status-history.js';
import type { IdSource } from '../id-source.js';
import { type FloorStatuses, type SimulatedFloor, simulateFloorSteps } from './simulated-floor.js';
import { type SimulationRequest, simulationWindow } from './simulation-window.js';

/** Simulated agents' records made between two steps of a simulation. */
const AGENTS_PER_STEP = 500;

/** What a simulation created. */
export type SimulationOutcome = { agentIds: string[]; changes: number; from: number; to: number };

/**
 * One account's simulated history: the agents a simulation adds to its roster and their backfilled changes in its
 * history, within the account's budget of simulated agent-days (until a reset makes a new account).
 *
 * @example
 * const outcome = account.simulation.simulate({ agents: 10, days: 7 }, clock.now());
 */
export class AccountSimulation {
  /** Agent-days simulated so far. */
  private simulatedAgentDays = 0;
  private applying = false;

  constructor(
    private readonly agents: AgentRoster,
    private readonly statuses: StatusCatalog,
    private readonly history: StatusHistory,
    private readonly newId: IdSource,
    /** Simulated agent-days the account may hold in all; past it, `409 SIMULATION_LIMIT`. */
    private readonly agentDaysLimit: number,
  ) {}

  /**
   * Creates `request.agents` new agents with simulated status history over the `days` before `until` (default
   * `now`), backfilled: the history lies in the past and sends no webhooks. Ids come from the sandbox's id source.
   * Reports completed before `now` do not show the new agents.
   */
  simulate(request: SimulationRequest, now: number): SimulationOutcome {
    return this.apply(request, now, this.plan(request, now));
  }

  /** The ids of the agents `simulate` would create, drawn; refused as `simulate` refuses. Nothing changes. */
  plan(request: SimulationRequest, now: number): string[] {
    this.check(request, now);
    return Array.from({ length: request.agents }, () => {
      const id = this.newId();
      // Not a client's mistake: an id source that repeats itself is broken.
      if (this.agents.has(id)) throw new Error(`the id source gave ${id} again`);
      return id;
    });
  }

  /** Refuses what `simulate` refuses (the window, the account's simulated agent-days); nothing is drawn. */
  check(request: SimulationRequest, now: number): void {
    simulationWindow(request, now);
    const asked = request.agents * request.days;
    const left = this.agentDaysLimit - this.simulatedAgentDays;
    if (asked > left) {
      throw new DomainError(
        'conflict',
        'SIMULATION_LIMIT',
        `agents: an account holds at most ${this.agentDaysLimit} simulated agent-days; ${left} are left, ${asked} asked`,
      );
    }
  }

  /** The statuses a simulated floor is made of, as the account has them now (the floor depends on them). */
  floorStatuses(): FloorStatuses {
    const ref = (id: string) => {
      const status = this.statuses.get(id);
      return { id: status.id, name: status.name, active: this.statuses.isActive(status.id) };
    };
    return {
      active: ref(this.statuses.active.id),
      unavailable: ref(this.statuses.unavailable.id),
      custom: this.statuses.custom().map((s) => ref(s.id)),
    };
  }

  /** Creates the simulated agents `plan` named, as of `now`: the floor is a pure function of the request. */
  apply(request: SimulationRequest, now: number, agentIds: string[]): SimulationOutcome {
    const steps = this.applySteps(request, now, agentIds);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /**
   * {@link apply} in steps of a few milliseconds, with the floor made already when it is given (it must be
   * `simulateFloor` of the request, its window as of `now` and {@link floorStatuses}). The new agents appear at the
   * last step; one account takes one simulation at a time (see `StatusHistory.backfillSteps`).
   */
  *applySteps(
    request: SimulationRequest,
    now: number,
    agentIds: string[],
    made?: SimulatedFloor,
  ): Generator<void, SimulationOutcome> {
    if (this.applying) throw new RangeError('a simulation is being applied already');
    this.applying = true;
    try {
      return yield* this.steps(request, now, agentIds, made);
    } finally {
      this.applying = false;
    }
  }

  /** Whether a simulation is being applied in steps: another must wait until it is done. */
  get busy(): boolean {
    return this.applying;
  }

  private *steps(
    request: SimulationRequest,
    now: number,
    agentIds: string[],
    made: SimulatedFloor | undefined,
  ): Generator<void, SimulationOutcome> {
    const window = simulationWindow(request, now);
    // Agents hired between the steps come after the simulated ones, as when the events are applied one by one.
    const position = this.agents.size;
    const floor = made ?? (yield* simulateFloorSteps(request, window, this.floorStatuses()));
    if (floor.agents.length !== agentIds.length) throw new RangeError('a simulation names one id per agent');
    const agents: Agent[] = [];
    for (const [a, simulated] of floor.agents.entries()) {
      const id = agentIds[a] as string;
      agents.push({
        id,
        firstName: simulated.firstName,
        lastName: simulated.lastName,
        email: emailFromName(simulated.firstName, simulated.lastName, id),
        isDeactivated: false,
        loginStatus: true,
        routingType: simulated.routingType,
        groups: [],
        createdAt: window.from,
      });
      if (a % AGENTS_PER_STEP === AGENTS_PER_STEP - 1) yield;
    }
    yield* this.history.backfillSteps(
      { ...floor, agentIds, actors: agentIds.map((id) => ({ type: 'agent' as const, id })) },
      now,
    );
    this.agents.enrollAt(agents, position);
    this.simulatedAgentDays += request.agents * request.days;
    return { agentIds, changes: floor.length, from: window.from, to: window.to };
  }
}
