import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { SignedEvent } from '../domain/webhooks/webhook-event.js';
import { FetchWebhookTransport } from './fetch-webhook-transport.js';

const text = '{"action":"agent_availability"}';
const event: SignedEvent = {
  id: 'e1',
  action: 'agent_availability',
  body: new TextEncoder().encode(text),
  text,
  signature: 'c2lnbmF0dXJl',
};

/** A fetch whose receiver never answers: only the request's signal ends it. */
const neverAnswers = ((_url: string, init: RequestInit) =>
  new Promise((_, reject) => {
    const signal = init.signal as AbortSignal;
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  })) as unknown as typeof fetch;

/** Node's garbage collector, reachable without `--expose-gc`. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('FetchWebhookTransport', () => {
  it("POSTs the signed bytes with Freshchat's headers, not following redirects, and returns what it sent", async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const fetch = (async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      return new Response('ok', { status: 202 });
    }) as unknown as typeof globalThis.fetch;
    const transport = new FetchWebhookTransport({ fetch });

    const result = await transport.post({ url: 'http://receiver.test/hook', event, retryCount: 3 });

    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': 'Freshchat-Sandbox-Webhook/1',
      'X-Freshchat-Signature': 'c2lnbmF0dXJl',
      'X-Freshchat-Payload-Version': '1',
      'X-Retry-Count': '3',
      'X-Sandbox-Event-Id': 'e1',
    };
    expect(result).toEqual({ status: 202, stopped: false, requestHeaders: headers, durationMs: expect.any(Number) });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      url: 'http://receiver.test/hook',
      init: { method: 'POST', body: event.body, headers, redirect: 'manual' },
    });
  });

  it('names the cause of a refused connection', async () => {
    const fetch = (async () => {
      throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    }) as unknown as typeof globalThis.fetch;
    const result = await new FetchWebhookTransport({ fetch }).post({ url: 'http://x.test/', event, retryCount: 0 });
    expect(result).toMatchObject({ error: 'ECONNREFUSED', stopped: false });
    expect(result).not.toHaveProperty('status');
  });

  it('ends an attempt the receiver never answers at the timeout, even if garbage is collected meanwhile', async () => {
    // Real time on purpose: an attempt's timeout is network time in real milliseconds, not clock time; the 5 s
    // race only bounds a hang, the assertion is exact.
    const transport = new FetchWebhookTransport({ fetch: neverAnswers, timeoutMs: 100 });
    const attempt = transport.post({ url: 'http://x.test/', event, retryCount: 0 });
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 20));
    collectGarbage();

    const result = await Promise.race([
      attempt,
      new Promise((resolve) => setTimeout(() => resolve('still hanging after 5 s'), 5000)),
    ]);
    expect(result).toMatchObject({ error: 'timeout after 100 ms', stopped: false });
  });

  it('aborts the attempts under way on stop(), and every later one at once', async () => {
    const transport = new FetchWebhookTransport({ fetch: neverAnswers, timeoutMs: 60_000 });
    const underWay = transport.post({ url: 'http://x.test/', event, retryCount: 0 });

    transport.stop();
    const later = transport.post({ url: 'http://x.test/', event, retryCount: 1 });

    for (const result of await Promise.all([underWay, later])) {
      expect(result).toMatchObject({ error: 'aborted: the sandbox stopped', stopped: true });
    }
  });

  it('holds 20 attempts under way without a MaxListenersExceededWarning, and stop() ends them all', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const transport = new FetchWebhookTransport({ fetch: neverAnswers, timeoutMs: 60_000 });
      const underWay = Array.from({ length: 20 }, (_, n) =>
        transport.post({ url: 'http://x.test/', event, retryCount: n }),
      );
      // Node emits the warning on the next turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      transport.stop();
      const results = await Promise.all(underWay);
      expect(results.every((r) => r.stopped && r.error === 'aborted: the sandbox stopped')).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
