/**
 * The simulated floor's seeded model: the random streams (one per agent, so an agent's history depends only on the
 * seed and its position), each agent's habits, the part each custom status plays, and the agents' names.
 */

import type { StatusRef } from '../history/history-entry.js';
import { FIRST_NAMES, LAST_NAMES } from './agent-names.js';

/** The kind of shift a simulated agent works. */
export type SimulatedShift = 'day' | 'night' | 'part-time';

/** Position of "Active on IntelliAssign" in a floor's statuses (`[active, unavailable, ...custom]`). */
export const ACTIVE = 0;
/** Position of "Unavailable" in a floor's statuses. */
export const UNAVAILABLE = 1;

/** mulberry32: a small, fast, well-known 32-bit PRNG; uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed for stream `stream` of `seed` (murmur3's finaliser), so each agent has its own sequence. */
export function streamSeed(seed: number, stream: number): number {
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
/** The part a status plays on the floor; "other" for custom statuses no rule names. */
type Role = (typeof ROLES)[number][0] | 'other';

/** The status indices for each role (indices into `[active, unavailable, ...custom]`). */
export function rolesOf(custom: readonly StatusRef[]): Record<Role, number[]> {
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

/**
 * Draws an agent's habits from its random stream: 70 % day shifts, 15 % night, 15 % part time, with start times,
 * workdays and the weekly team meeting (see `simulateFloor` for the whole model).
 */
export function profileOf(random: () => number): Profile {
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

/**
 * `count` distinct full names, drawn by a partial Fisher–Yates shuffle of every first × last pair: the first
 * names drawn do not depend on how many are drawn.
 */
export function namesOf(count: number, seed: number): [string, string][] {
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
