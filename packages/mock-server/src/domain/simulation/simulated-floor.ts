import type { ChangeColumns, StatusRef } from '../history/history-entry.js';
import { ChangeLog, inClockOrderSteps } from './floor-clock-order.js';
import {
  ACTIVE,
  mulberry32,
  namesOf,
  profileOf,
  rolesOf,
  type SimulatedShift,
  streamSeed,
  UNAVAILABLE,
} from './floor-model.js';
import type { SimulationRequest } from './simulation-window.js';

/** One simulated agent, before it has an id. */
type SimulatedAgent = {
  readonly firstName: string;
  readonly lastName: string;
  readonly shift: SimulatedShift;
  readonly routingType: 'INTELLIASSIGN' | 'OCR';
};

/**
 * The simulated floor: its agents and every status change of theirs over `[from, to)`, sorted by time, in parallel
 * columns (`agent[k]` indexes `agents`, `status[k]` indexes `statuses`). Each agent's first change is at `from`.
 */
export type SimulatedFloor = ChangeColumns & {
  readonly agents: readonly SimulatedAgent[];
  readonly from: number;
  readonly to: number;
};

/** The statuses a floor is drawn from: the two built-in ones and the account's custom ones. */
export type FloorStatuses = { active: StatusRef; unavailable: StatusRef; custom: readonly StatusRef[] };

const DAY = 86_400_000;
const MIN = 60_000;

/** Agent-days simulated between two steps of {@link simulateFloorSteps}: a few milliseconds of work (bench/NOTES.md). */
const AGENT_DAYS_PER_STEP = 200;

/** At most this many activities in one shift (lunch, 4 breaks, 3 dips, a meeting, training, another). */
const MAX_ACTIVITIES = 12;

/**
 * Simulates a support floor: `request.agents` new agents, each with its own seeded habits, and their status over
 * `[from, to)`. The model (docs/simulation.md says the same):
 *
 * - 70 % work day shifts (8.5 h, starting between 07:00 and 11:00 UTC, Monday to Friday), 15 % night shifts
 *   (8.5 h from 20:00–22:00, Sunday to Thursday evenings), 15 % part time (4.5 h, mornings or afternoons, three
 *   to five weekdays); 20 % are OCR-routed. Off shift, and on 4 % of working days (leave), they are "Unavailable".
 * - A shift starts up to ±12 minutes off its time and lasts ±15 minutes off its length. In it: lunch (30–60 min,
 *   full time), two to four breaks (one or two part time; 5–15 min), up to three short "Unavailable" moments
 *   (2–8 min), the weekly team meeting and other meetings (30–60 min), training on 12 % of days (60–120 min),
 *   and on 30 % of days an activity on a custom status no rule names (10–45 min); "Active on IntelliAssign" in
 *   between, at least 5 minutes each time.
 * - Custom statuses are cast by name, by the rules of `ROLES` in `floor-model.ts`. A part with no status of its own
 *   is spent on "Unavailable" (lunch on a break status first).
 *
 * Every change falls on a whole second. The same request, statuses and `from`/`to` give the same floor; an agent's
 * history depends only on the seed and its position, not on how many agents were asked for.
 *
 * @example
 * const floor = simulateFloor({ agents: 50, days: 30, seed: 7 }, { from, to }, statuses);
 */
export function simulateFloor(
  request: Pick<SimulationRequest, 'agents' | 'seed'>,
  window: { from: number; to: number },
  floorStatuses: FloorStatuses,
): SimulatedFloor {
  const steps = simulateFloorSteps(request, window, floorStatuses);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * {@link simulateFloor} in steps of a few milliseconds: each `next()` does a slice of the work and the last returns
 * the floor, so a caller can let other work run between slices (a large simulation then never holds the event
 * loop). The floor is the same as `simulateFloor`'s.
 *
 * @example
 * const steps = simulateFloorSteps(request, window, statuses);
 * for (let step = steps.next(); !step.done; step = steps.next()) await nextTurn();
 */
export function* simulateFloorSteps(
  request: Pick<SimulationRequest, 'agents' | 'seed'>,
  window: { from: number; to: number },
  floorStatuses: FloorStatuses,
): Generator<void, SimulatedFloor> {
  const { from, to } = window;
  const statuses = [floorStatuses.active, floorStatuses.unavailable, ...floorStatuses.custom];
  const roles = rolesOf(floorStatuses.custom);
  const agents = namesOf(request.agents, request.seed).map(([firstName, lastName]) => ({ firstName, lastName }));
  const days = Math.ceil((to - from) / DAY);
  const log = new ChangeLog(Math.max(1024, Math.ceil(request.agents * (days + 1) * 12)));
  // The agents' names and the log's columns are made in a step of their own.
  yield;
  const starts = new Float64Array(MAX_ACTIVITIES);
  const lengths = new Float64Array(MAX_ACTIVITIES);
  const kinds = new Int32Array(MAX_ACTIVITIES);
  const firstDay = Math.floor(from / DAY) - 1;
  const lastDay = Math.floor((to - 1) / DAY);
  const simulated: SimulatedAgent[] = [];
  let sinceStep = 0;

  for (let a = 0; a < agents.length; a++) {
    sinceStep += days;
    if (sinceStep >= AGENT_DAYS_PER_STEP) {
      sinceStep = 0;
      yield;
    }
    const random = mulberry32(streamSeed(request.seed, a));
    const between = (lo: number, hi: number) => lo + random() * (hi - lo);
    const pick = (xs: readonly number[]) => xs[Math.floor(random() * xs.length)] as number;
    const profile = profileOf(random);
    const routingType = random() < 0.2 ? 'OCR' : 'INTELLIASSIGN';
    simulated.push({ ...(agents[a] as { firstName: string; lastName: string }), shift: profile.shift, routingType });
    let current = UNAVAILABLE;
    let started = false;
    const emit = (at: number, status: number) => {
      if (status === current || at >= to) return;
      if (at > from) {
        if (!started) log.push(from, a, current);
        started = true;
        log.push(at, a, status);
      }
      current = status;
    };
    const fullTime = profile.shift !== 'part-time';
    for (let day = firstDay; day <= lastDay; day++) {
      const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday.
      if (((profile.workdays >> weekday) & 1) === 0) continue;
      if (random() < 0.04) continue; // leave
      const start = day * DAY + Math.round(profile.start + (random() + random() - 1) * 720) * 1000;
      const end = start + Math.round(profile.length + (random() - 0.5) * 1800) * 1000;
      let n = 0;
      const add = (at: number, minutes: number, maxMinutes: number, kind: number) => {
        starts[n] = at;
        lengths[n] = Math.round(between(minutes, maxMinutes) * 60) * 1000;
        kinds[n] = kind;
        n++;
      };
      const anywhere = () => between(start + 30 * MIN, end - 60 * MIN);
      if (fullTime) add(start + (end - start) / 2 + between(-75, 15) * MIN, 30, 60, pick(roles.lunch));
      const breaks = fullTime ? 2 + Math.floor(random() * 3) : 1 + Math.floor(random() * 2);
      for (let b = 0; b < breaks; b++) add(anywhere(), 5, 15, pick(roles.break));
      const dips = Math.floor(random() * 4);
      for (let d = 0; d < dips; d++) add(anywhere(), 2, 8, UNAVAILABLE);
      if (weekday === profile.meetingDay && random() < 0.9) {
        add(start + profile.meetingOffset * 1000, 30, 60, pick(roles.meeting));
      } else if (random() < 0.25) {
        add(anywhere(), 30, 60, pick(roles.meeting));
      }
      if (random() < 0.12) add(anywhere(), 60, 120, pick(roles.training));
      if (roles.other.length > 0 && random() < 0.3) add(anywhere(), 10, 45, pick(roles.other));
      // Insertion sort by start: a dozen items at most.
      for (let i = 1; i < n; i++) {
        for (let j = i; j > 0 && (starts[j - 1] as number) > (starts[j] as number); j--) {
          [starts[j - 1], starts[j]] = [starts[j] as number, starts[j - 1] as number];
          [lengths[j - 1], lengths[j]] = [lengths[j] as number, lengths[j - 1] as number];
          [kinds[j - 1], kinds[j]] = [kinds[j] as number, kinds[j - 1] as number];
        }
      }
      emit(start, ACTIVE);
      let free = start + 10 * MIN;
      for (let i = 0; i < n; i++) {
        const at = Math.max(Math.round((starts[i] as number) / 1000) * 1000, free);
        const back = at + (lengths[i] as number);
        if (back > end - 10 * MIN) continue;
        emit(at, kinds[i] as number);
        emit(back, ACTIVE);
        free = back + Math.round(between(5, 15) * 60) * 1000;
      }
      emit(end, UNAVAILABLE);
    }
    if (!started) log.push(from, a, current);
  }
  const ordered = yield* inClockOrderSteps(log, from);
  return { agents: simulated, statuses, from, to, ...ordered };
}
