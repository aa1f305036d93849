/** One answered request, as `GET /_mock/requests` lists it (`at` in epoch ms; the route formats it). */
export type JournalEntry = {
  id: number;
  at: number;
  method: string;
  path: string;
  operation?: string | undefined;
  status: number;
  duration_ms: number;
  /** The JSON body received, clipped to `JOURNAL_BODY_CHARS`. */
  request_body?: string | undefined;
  /** The JSON body answered, clipped to `JOURNAL_BODY_CHARS`. */
  response_body?: string | undefined;
};

/** The most characters of a body a journal entry keeps: 1000 entries then hold at most about 16 MB of bodies. */
export const JOURNAL_BODY_CHARS = 8192;

/**
 * A body as the journal keeps it: whole up to `JOURNAL_BODY_CHARS`, else cut and ended with `…`.
 *
 * @example
 * clipBody('{"a":1}'); // '{"a":1}'
 */
export function clipBody(text: string | undefined): string | undefined {
  if (text === undefined || text.length <= JOURNAL_BODY_CHARS) return text;
  return `${text.slice(0, JOURNAL_BODY_CHARS - 1)}…`;
}

/**
 * The last `capacity` requests of an account, oldest first. Bounded so that a long benchmark or a busy CI job
 * cannot grow the sandbox's memory without limit; the oldest entries are dropped first.
 */
export class RequestJournal {
  private readonly ring: (JournalEntry | undefined)[];
  private next = 0;
  private size = 0;

  constructor(readonly capacity = 1000) {
    this.ring = new Array(capacity);
  }

  /** Records an entry, dropping the oldest when full. */
  add(entry: JournalEntry): void {
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** The last `limit` entries (all kept ones by default), oldest first. */
  entries(limit = this.size): JournalEntry[] {
    const count = Math.min(limit, this.size);
    const out: JournalEntry[] = [];
    for (let i = count; i > 0; i--)
      out.push(this.ring[(this.next - i + this.capacity) % this.capacity] as JournalEntry);
    return out;
  }
}
