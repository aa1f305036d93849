import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { BoardChange } from './board.js';

/** How often an open page is pinged, so that proxies keep the stream open. */
const PING_MS = 15_000;

/**
 * The board's server-sent events: every open page holds one stream (`GET /events`), starts with a `snapshot`, and
 * then hears every `agent`, `log`, `clock`, `statuses`, `report` and `snapshot` event sent to all of them.
 *
 * @example
 * const hub = new EventHub();
 * app.get('/events', (c) => hub.stream(c, () => backend.snapshot()));
 * hub.broadcast('clock', { now });
 * hub.close();
 */
export class EventHub {
  private readonly streams = new Set<SSEStreamingApi>();
  private readonly closers = new Set<() => void>();
  private closed = false;

  /** Sends one event to every open page; a stream that cannot be written to is dropped. */
  broadcast(event: string, data: unknown): void {
    const payload = JSON.stringify(data);
    for (const stream of this.streams) {
      void stream.writeSSE({ event, data: payload }).catch(() => this.streams.delete(stream));
    }
  }

  /** Sends what a change did to the board: the changed line (if any) and the event log's new entry. */
  publish(change: BoardChange | undefined): void {
    if (!change) return;
    if ('agent' in change) this.broadcast('agent', change.agent);
    this.broadcast('log', change.event);
  }

  /** Answers `GET /events`: a stream that starts with `snapshot()` and stays open until the page or the hub closes. */
  stream(c: Context, snapshot: () => unknown): Response {
    return streamSSE(c, async (stream) => {
      this.streams.add(stream);
      await stream.writeSSE({ event: 'snapshot', data: JSON.stringify(snapshot()) });
      await new Promise<void>((resolve) => {
        const ping = setInterval(() => void stream.writeSSE({ event: 'ping', data: '' }).catch(resolve), PING_MS);
        const close = () => {
          clearInterval(ping);
          this.closers.delete(close);
          resolve();
        };
        this.closers.add(close);
        stream.onAbort(close);
        if (this.closed) close();
      });
      this.streams.delete(stream);
    });
  }

  /** Ends every open stream, and any opened from now on as soon as it has its snapshot. */
  close(): void {
    this.closed = true;
    for (const close of [...this.closers]) close();
  }
}
