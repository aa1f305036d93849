import type { SignedEvent } from './webhook-event.js';

/** One attempt to hand to the transport: where it goes, the signed event, and which try this is (0 for the first). */
export type WebhookPost = { url: string; event: SignedEvent; retryCount: number };

/** How one attempt ended, as the transport saw it. */
export type WebhookPostResult = {
  /** The receiver's status, when it answered. */
  status?: number | undefined;
  /** Why no answer came: a timeout, a refused connection, the transport stopped. */
  error?: string | undefined;
  /** Whether the transport had been stopped by the time the attempt ended. */
  stopped: boolean;
  /** The request headers the attempt sent, as the delivery log shows them. */
  requestHeaders: Record<string, string>;
  /** How long the attempt took, in real milliseconds: network time, which the virtual clock does not measure. */
  durationMs: number;
};

/**
 * How the dispatcher reaches subscribers: the domain decides who gets which event and when, the transport makes
 * the request. The factory plugs in the HTTP one (`adapters/fetch-webhook-transport.ts`).
 *
 * @example
 * const transport: WebhookTransport = {
 *   post: async ({ retryCount }) => ({
 *     status: 200,
 *     stopped: false,
 *     requestHeaders: { 'X-Retry-Count': `${retryCount}` },
 *     durationMs: 3,
 *   }),
 *   stop: () => {},
 * };
 */
export interface WebhookTransport {
  /**
   * Makes one attempt. The request starts before `post` returns, so attempts reach receivers in the order they
   * were made; the promise never rejects (a failure is a result with `error`).
   */
  post(attempt: WebhookPost): Promise<WebhookPostResult>;
  /** Ends every attempt under way at once, and makes every later one end at once too. */
  stop(): void;
}
