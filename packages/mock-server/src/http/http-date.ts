import type { VirtualClock } from '../domain/clock/virtual-clock.js';

/**
 * The HTTP `Date` header on the virtual clock. Node's server would write real time; an answer stamped here carries
 * the clock's time instead, so a frozen sandbox's answers repeat byte for byte. The text is made once per clock-second.
 *
 * @example
 * const date = new HttpDate(clock);
 * const response = date.stamp(new Response('ok')); // Date: Tue, 01 Jan 2030 09:00:00 GMT
 */
export class HttpDate {
  private second = Number.NaN;
  private text = '';
  /** Answers made with their `date` already among the headers they were built with: `stamp` leaves them alone. */
  private readonly dated = new WeakSet<Response>();

  constructor(private readonly clock: VirtualClock) {}

  /**
   * Sets `Date` on the response (unless it has one) and returns it. An answer marked by `madeDated` is returned as
   * is: touching `response.headers` makes @hono/node-server build a Headers object for it (bench/NOTES.md).
   */
  stamp(response: Response): Response {
    if (!this.dated.has(response) && !response.headers.has('Date')) response.headers.set('Date', this.now());
    return response;
  }

  /** Marks an answer whose headers already hold `date: ${now()}`, and returns it. */
  madeDated(response: Response): Response {
    this.dated.add(response);
    return response;
  }

  /** The clock's time as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`). */
  now(): string {
    const second = Math.floor(this.clock.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.text = new Date(second * 1000).toUTCString();
    }
    return this.text;
  }
}
