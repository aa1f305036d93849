import { FIRST_NAMES, LAST_NAMES } from './agent-names.js';
import { addCalendarMonths } from './calendar.js';
import { SandboxError } from './sandbox-error.js';
import type { StatusRef } from './status-history.js';

/** A simulation as `POST /_mock/simulate` (or a seed's `simulate`) asks for it. */
export type SimulationRequest = { agents: number; days: number; seed: number; until?: string | undefined };

/** The kind of shift a simulated agent works. */
export type SimulatedShift = 'day' | 'night' | 'part-time';

/** One simulated agent, before it has an id. */
export type SimulatedAgent = {
  readonly firstName: string;
  readonly lastName: string;
  readonly shift: SimulatedShift;
  readonly routingType: 'INTELLIASSIGN' | 'OCR';
};

/**
 * The simulated floor: its agents and every status change of theirs over `[from, to)`, sorted by time, in parallel
 * columns (`agent[k]` indexes `agents`, `status[k]` indexes `statuses`). Each agent's first change is at `from`.
 */
export type SimulatedFloor = {
  readonly agents: readonly SimulatedAgent[];
  readonly statuses: readonly StatusRef[];
  readonly from: number;
  readonly to: number;
  readonly length: number;
  readonly at: Float64Array;
  readonly agent: Int32Array;
  readonly status: Int32Array;
};

/** The statuses a floor is drawn from: the two built-in ones and the account's custom ones. */
export type FloorStatuses = { active: StatusRef; unavailable: StatusRef; custom: readonly StatusRef[] };

/**
 * At most this many agent-days (the schema's `SimulationRequest` holds the other limits: 5,000 agents, 460 days)
 * per simulation, about 1.8 M changes: enough for a busy floor while one request's memory and time stay bounded
 * (bench/NOTES.md has the figures).
 */
export const MAX_SIMULATED_AGENT_DAYS = 200_000;

const DAY = 86_400_000;
const MIN = 60_000;
const ACTIVE = 0;
const UNAVAILABLE = 1;
/** Bits of the second sorted per radix pass. */
const RADIX_BITS = 13;
const RADIX = 1 << RADIX_BITS;

/**
 * Checks a simulation request against the clock: `until` (default `now`) not in the future, `agents` × `days`
 * within {@link MAX_SIMULATED_AGENT_DAYS}, and the start no earlier than a report can reach (15 calendar months
 * before `now`). Returns the window `[from, to)` in epoch ms; errors name the field.
 */
export function simulationWindow(request: SimulationRequest, now: number): { from: number; to: number } {
  const to = request.until === undefined ? now : Date.parse(request.until);
  if (Number.isNaN(to)) throw new SandboxError(400, 'INVALID_VALUE', 'until: not a valid date-time');
  if (to > now) throw new SandboxError(400, 'INVALID_VALUE', 'until: must not be in the future');
  if (request.agents * request.days > MAX_SIMULATED_AGENT_DAYS) {
    throw new SandboxError(
      400,
      'INVALID_VALUE',
      `days: agents × days must be at most ${MAX_SIMULATED_AGENT_DAYS} (asked ${request.agents * request.days})`,
    );
  }
  const from = to - request.days * DAY;
  const earliest = addCalendarMonths(now, -15);
  if (from < earliest) {
    throw new SandboxError(
      400,
      'INVALID_VALUE',
      `days: the history would start before ${new Date(earliest).toISOString()}, the earliest a report can reach (15 months before now)`,
    );
  }
  return { from, to };
}

/** mulberry32: a small, fast, well-known 32-bit PRNG; uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed for stream `stream` of `seed` (murmur3's finaliser), so each agent has its own sequence. */
function streamSeed(seed: number, stream: number): number {
  let h = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Which custom statuses play which part on the floor, by name; the ones no rule names are "other" activities. */
const ROLES = [
  ['lunch', /lunch|meal|dinner|brunch/i],
  ['training', /train|learn|coach|course|onboard|knowledge/i],
  ['meeting', /meeting|huddle|stand-?up|sync|1:1|one-on-one/i],
  ['break', /break|coffee|tea\b|rest|pause/i],
] as const;
type Role = (typeof ROLES)[number][0] | 'other';

/** The status indices for each role (indices into `[active, unavailable, ...custom]`). */
function rolesOf(custom: readonly StatusRef[]): Record<Role, number[]> {
  const roles: Record<Role, number[]> = { lunch: [], training: [], meeting: [], break: [], other: [] };
  custom.forEach((status, i) => {
    const role = ROLES.find(([, pattern]) => pattern.test(status.name))?.[0] ?? 'other';
    roles[role].push(i + 2);
  });
  // A part with no status of its own is spent on the nearest one: lunch as a break, the rest as "Unavailable".
  if (roles.lunch.length === 0) roles.lunch = roles.break.length > 0 ? roles.break : [UNAVAILABLE];
  for (const role of ['training', 'meeting', 'break'] as const) {
    if (roles[role].length === 0) roles[role] = [UNAVAILABLE];
  }
  return roles;
}

/** An agent's fixed habits: when its shifts start, how long they last, on which weekdays. */
type Profile = {
  shift: SimulatedShift;
  /** Bit w set: a shift starts on weekday w (0 = Sunday). */
  workdays: number;
  /** Seconds after midnight UTC. */
  start: number;
  /** Seconds. */
  length: number;
  /** Weekday of the agent's team meeting, and its offset into the shift (seconds). */
  meetingDay: number;
  meetingOffset: number;
};

function profileOf(random: () => number): Profile {
  const r = random();
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
  const meetingDay = 1 + Math.floor(random() * 5);
  const meetingOffset = pick([3600, 5400, 7200]);
  if (r < 0.7) {
    const start = pick([7, 8, 8.5, 9, 9, 9.5, 10, 11]) * 3600;
    return { shift: 'day', workdays: 0b0111110, start, length: 8.5 * 3600, meetingDay, meetingOffset };
  }
  if (r < 0.85) {
    // Night shifts start Sunday to Thursday evening and cover the weekday mornings.
    const start = pick([20, 21, 22]) * 3600;
    return {
      shift: 'night',
      workdays: 0b0011111,
      start,
      length: 8.5 * 3600,
      meetingDay: meetingDay - 1,
      meetingOffset,
    };
  }
  const days = [1, 2, 3, 4, 5];
  for (let i = days.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [days[i], days[j]] = [days[j] as number, days[i] as number];
  }
  const workdays = days.slice(0, 3 + Math.floor(random() * 3)).reduce((mask, d) => mask | (1 << d), 0);
  const start = pick([8, 9, 13, 14]) * 3600;
  return { shift: 'part-time', workdays, start, length: 4.5 * 3600, meetingDay, meetingOffset };
}

/** Growable columns the changes are collected in, agent after agent. */
class ChangeLog {
  length = 0;
  at: Float64Array;
  agent: Int32Array;
  status: Int32Array;
  constructor(capacity: number) {
    this.at = new Float64Array(capacity);
    this.agent = new Int32Array(capacity);
    this.status = new Int32Array(capacity);
  }
  push(at: number, agent: number, status: number): void {
    if (this.length === this.at.length) {
      const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T) => {
        const bigger = make(a.length * 2);
        bigger.set(a);
        return bigger;
      };
      this.at = grow(this.at, (n) => new Float64Array(n));
      this.agent = grow(this.agent, (n) => new Int32Array(n));
      this.status = grow(this.status, (n) => new Int32Array(n));
    }
    this.at[this.length] = at;
    this.agent[this.length] = agent;
    this.status[this.length] = status;
    this.length++;
  }
}

/** At most this many activities in one shift (lunch, 4 breaks, 3 dips, a meeting, training, another). */
const MAX_ACTIVITIES = 12;

/**
 * Simulates a support floor: `request.agents` new agents, each with its own seeded habits, and their status over
 * `[from, to)`. The model (the README's "Simulated history" says the same):
 *
 * - 70 % work day shifts (8.5 h, starting between 07:00 and 11:00 UTC, Monday to Friday), 15 % night shifts
 *   (8.5 h from 20:00–22:00, Sunday to Thursday evenings), 15 % part time (4.5 h, mornings or afternoons, three
 *   to five weekdays); 20 % are OCR-routed. Off shift, and on 4 % of working days (leave), they are "Unavailable".
 * - A shift starts up to ±12 minutes off its time and lasts ±15 minutes off its length. In it: lunch (30–60 min,
 *   full time), two to four breaks (one or two part time; 5–15 min), up to three short "Unavailable" moments
 *   (2–8 min), the weekly team meeting and other meetings (30–60 min), training on 12 % of days (60–120 min),
 *   and on 30 % of days an activity on a custom status no rule names (10–45 min); "Active on IntelliAssign" in
 *   between, at least 5 minutes each time.
 * - Custom statuses are cast by name: lunch/meal, training/learning/coaching/knowledge, meeting/huddle/stand-up,
 *   break/coffee/tea. A part with no status of its own is spent on "Unavailable" (lunch on a break status first).
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
  const { from, to } = window;
  const statuses = [floorStatuses.active, floorStatuses.unavailable, ...floorStatuses.custom];
  const roles = rolesOf(floorStatuses.custom);
  const agents = namesOf(request.agents, request.seed).map(([firstName, lastName]) => ({ firstName, lastName }));
  const days = Math.ceil((to - from) / DAY);
  const log = new ChangeLog(Math.max(1024, Math.ceil(request.agents * (days + 1) * 12)));
  const starts = new Float64Array(MAX_ACTIVITIES);
  const lengths = new Float64Array(MAX_ACTIVITIES);
  const kinds = new Int32Array(MAX_ACTIVITIES);
  const firstDay = Math.floor(from / DAY) - 1;
  const lastDay = Math.floor((to - 1) / DAY);
  const simulated: SimulatedAgent[] = [];

  for (let a = 0; a < agents.length; a++) {
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
  return { agents: simulated, statuses, from, to, ...inClockOrder(log, from) };
}

/**
 * The changes sorted by time, ties in the order they were made: a stable LSD radix sort on each change's second
 * since `from` (rounded up, so `from` itself is second 0 and every later change, on a whole second, keeps its
 * order), 13 bits a pass. Two passes cover 2^26 seconds (two years); linear in the changes, unlike a comparison
 * sort (bench/NOTES.md).
 */
function inClockOrder(log: ChangeLog, from: number): Pick<SimulatedFloor, 'length' | 'at' | 'agent' | 'status'> {
  const { length } = log;
  const seconds = new Uint32Array(length);
  let latest = 0;
  for (let k = 0; k < length; k++) {
    const second = Math.ceil(((log.at[k] as number) - from) / 1000);
    seconds[k] = second;
    if (second > latest) latest = second;
  }
  let order = new Int32Array(length);
  for (let k = 0; k < length; k++) order[k] = k;
  let spare = new Int32Array(length);
  const counts = new Int32Array(RADIX + 1);
  for (let shift = 0; shift === 0 || latest >>> shift > 0; shift += RADIX_BITS) {
    counts.fill(0);
    for (let k = 0; k < length; k++) (counts[(((seconds[k] as number) >>> shift) & (RADIX - 1)) + 1] as number)++;
    for (let d = 0; d < RADIX; d++) (counts[d + 1] as number) += counts[d] as number;
    for (let k = 0; k < length; k++) {
      const i = order[k] as number;
      spare[(counts[((seconds[i] as number) >>> shift) & (RADIX - 1)] as number)++] = i;
    }
    [order, spare] = [spare, order];
  }
  const at = new Float64Array(length);
  const agent = new Int32Array(length);
  const status = new Int32Array(length);
  for (let k = 0; k < length; k++) {
    const i = order[k] as number;
    at[k] = log.at[i] as number;
    agent[k] = log.agent[i] as number;
    status[k] = log.status[i] as number;
  }
  return { length, at, agent, status };
}

/**
 * `count` distinct full names, drawn by a partial Fisher–Yates shuffle of every first × last pair: the first
 * names drawn do not depend on how many are drawn.
 */
function namesOf(count: number, seed: number): [string, string][] {
  const random = mulberry32(streamSeed(seed, -1));
  const pairs = Int32Array.from({ length: FIRST_NAMES.length * LAST_NAMES.length }, (_, i) => i);
  const names: [string, string][] = [];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (pairs.length - i));
    const pair = pairs[j] as number;
    pairs[j] = pairs[i] as number;
    pairs[i] = pair;
    names.push([
      FIRST_NAMES[pair % FIRST_NAMES.length] as string,
      LAST_NAMES[Math.floor(pair / FIRST_NAMES.length)] as string,
    ]);
  }
  return names;
}
