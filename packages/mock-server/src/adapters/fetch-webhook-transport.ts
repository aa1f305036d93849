import type { WebhookPost, WebhookPostResult, WebhookTransport } from '../domain/webhook-transport.js';

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
  /** Aborted by `stop()`: every attempt under way (and any made after) ends at once. */
  private readonly stopping = new AbortController();
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: WebhookDeliveryOptions = {}) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** One POST to the subscriber; the request is made before this returns. Never rejects. */
  async post({ url, event, retryCount }: WebhookPost): Promise<WebhookPostResult> {
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
    // One controller per attempt, aborted by a timer and by `stop()`, rather than `AbortSignal.any` over
    // `AbortSignal.timeout`: Node holds those signals weakly, so a receiver that never answers could lose them to a
    // garbage collection and leave the attempt hanging for ever. The timer and the stop listener keep this one alive.
    const attempt = new AbortController();
    const stop = () => attempt.abort(this.stopping.signal.reason);
    if (this.stopping.signal.aborted) stop();
    else this.stopping.signal.addEventListener('abort', stop, { once: true });
    const timer = setTimeout(
      () => attempt.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
      this.timeoutMs,
    );
    // As `AbortSignal.timeout`'s timer: it does not keep the process alive.
    timer.unref();
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
          : this.stopping.signal.aborted
            ? 'aborted: the sandbox stopped'
            : (cause ?? (caught as Error).message);
    } finally {
      clearTimeout(timer);
      this.stopping.signal.removeEventListener('abort', stop);
    }
    return {
      ...(status !== undefined ? { status } : {}),
      ...(error !== undefined ? { error } : {}),
      stopped: this.stopping.signal.aborted,
      requestHeaders,
    };
  }

  /** Aborts every attempt under way; later attempts are aborted at once. */
  stop(): void {
    this.stopping.abort();
  }
}
