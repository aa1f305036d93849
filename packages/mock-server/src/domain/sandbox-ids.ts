import { type IdSource, randomIds, seededIds } from './id-source.js';

/**
 * Where a sandbox's ids come from, and how they stay out of applying: a command draws them (from the id seed, or at
 * random), an event carries them, and applying an event hands out the ones it carries (`handOut`) instead of
 * drawing. With an id seed it counts what it drew (`drawn`), so a restart draws on from there (`resume`).
 *
 * @example
 * const ids = new SandboxIds(undefined);
 * ids.seed = 7;
 * ids.resume(0);
 * const { value, ids: made } = ids.recording(() => [ids.next(), ids.next()]);
 */
export class SandboxIds {
  /** The id seed; undefined for random ids. */
  seed: number | undefined;
  private source: IdSource = randomIds;
  /** How many ids were drawn; changed only by `next` and `resume`. */
  drawn = 0;
  /** While an event that carries ids is applied: those ids, in order. */
  private carried: string[] | undefined;
  /** While a command decides a seed load: the ids it draws, for its event. */
  private recorded: string[] | undefined;

  /** @param given a source that overrides the seed's (the migration of an old log feeds the ids it recorded) */
  constructor(private readonly given: IdSource | undefined) {}

  /** The next id: the carried one while an event is applied, else a drawn one. */
  next(): string {
    if (this.carried) {
      const id = this.carried.shift();
      // Applying an event must not draw: an event that carries too few ids is a bug, not bad input.
      if (id === undefined) throw new Error('an event was applied that carries fewer ids than it needs');
      return id;
    }
    this.drawn++;
    const id = this.source();
    this.recorded?.push(id);
    return id;
  }

  /** Draws on from `drawn` ids (the seeded source skips them; a random one needs no position). */
  resume(drawn: number): void {
    this.drawn = drawn;
    this.source = this.given ?? (this.seed === undefined ? randomIds : seededIds(this.seed, drawn));
  }

  /** Runs `fn`, noting the ids it draws. */
  recording<T>(fn: () => T): { value: T; ids: string[] } {
    const ids: string[] = [];
    this.recorded = ids;
    try {
      return { value: fn(), ids };
    } finally {
      this.recorded = undefined;
    }
  }

  /** Runs `fn` handing out `ids` (an event's) instead of drawing. */
  handOut<T>(ids: readonly string[], fn: () => T): T {
    this.carried = [...ids];
    try {
      return fn();
    } finally {
      this.carried = undefined;
    }
  }
}
