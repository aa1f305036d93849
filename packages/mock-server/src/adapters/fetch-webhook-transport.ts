import type { WebhookPost, WebhookPostResult, WebhookTransport } from '../domain/webhooks/webhook-transport.js';

/** Payload format version sent in `X-Freshchat-Payload-Version`. */
const PAYLOAD_VERSION = '1';

/** How webhooks are sent over HTTP. */
export type WebhookDeliveryOptions = {
  /** The fetch that reaches subscribers; an in-process receiver can be plugged in here. */
  fetch?: typeof fetch | undefined;
  /** Real milliseconds before an attempt counts as timed out. */
  timeoutMs?: number | undefined;
};

/**
 * Sends each attempt as Freshchat does: a POST of the signed bytes with `X-Freshchat-Signature`, the payload
 * version, `X-Retry-Count` and the event id, redirects not followed, ended by a timeout or by `stop()`.
 *
 * @example
 * const dispatcher = new WebhookDispatcher(sandbox, new FetchWebhookTransport({ timeoutMs: 5000 }));
 */
export class FetchWebhookTransport implements WebhookTransport {
  /** Set by `stop()`: every attempt under way (and any made after) ends at once. */
  private stopped = false;
  /**
   * The controller of each attempt under way, for `stop()` to abort. Not listeners on one shared signal: with 11 or
   * more attempts under way, Node warns of a listener leak (`MaxListenersExceededWarning`).
   */
  private readonly underWay = new Set<AbortController>();
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: WebhookDeliveryOptions = {}) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** One POST to the subscriber; the request is made before this returns. Never rejects. */
  async post({ url, event, retryCount }: WebhookPost): Promise<WebhookPostResult> {
    const started = performance.now();
    const requestHeaders = {
      'Content-Type': 'application/json',
      'User-Agent': 'Freshchat-Sandbox-Webhook/1',
      'X-Freshchat-Signature': event.signature,
      'X-Freshchat-Payload-Version': PAYLOAD_VERSION,
      'X-Retry-Count': String(retryCount),
      'X-Sandbox-Event-Id': event.id,
    };
    let status: number | undefined;
    let error: string | undefined;
    // One controller per attempt, aborted by `AbortSignal.timeout` (Node's own unref'd timer, as the fetch would use)
    // and by `stop()`. Not `AbortSignal.any`: Node holds the signals it combines weakly, so a receiver that never
    // answers could lose the timeout to a garbage collection and leave the attempt hanging; `timeout` stays
    // referenced here until the `finally`.
    const attempt = new AbortController();
    if (this.stopped) attempt.abort(new DOMException('the sandbox stopped', 'AbortError'));
    else this.underWay.add(attempt);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const timedOut = () => attempt.abort(timeout.reason);
    timeout.addEventListener('abort', timedOut, { once: true });
    try {
      const response = await this.fetch(url, {
        method: 'POST',
        body: event.body,
        headers: requestHeaders,
        signal: attempt.signal,
        redirect: 'manual',
      });
      status = response.status;
      await response.body?.cancel();
    } catch (caught) {
      const cause = (caught as { cause?: { code?: string } }).cause?.code;
      error =
        (caught as Error).name === 'TimeoutError'
          ? `timeout after ${this.timeoutMs} ms`
          : this.stopped
            ? 'aborted: the sandbox stopped'
            : (cause ?? (caught as Error).message);
    } finally {
      timeout.removeEventListener('abort', timedOut);
      this.underWay.delete(attempt);
    }
    return {
      ...(status !== undefined ? { status } : {}),
      ...(error !== undefined ? { error } : {}),
      stopped: this.stopped,
      requestHeaders,
      durationMs: Math.round(performance.now() - started),
    };
  }

  /** Aborts every attempt under way; later attempts are aborted at once. */
  stop(): void {
    this.stopped = true;
    for (const attempt of this.underWay) attempt.abort(new DOMException('the sandbox stopped', 'AbortError'));
    this.underWay.clear();
  }
}
