import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type DurableMockServerOptions, openDurableMockServer } from './durable-mock-server.js';
import { createMockServer, type MockServer, type MockServerOptions } from './mock-server.js';

/** Where and how to listen. */
export type ListenOptions = MockServerOptions & {
  /** Port; 0 picks a free one. Default 4010. */
  port?: number | undefined;
  /** Interface; default 127.0.0.1. */
  host?: string | undefined;
  /** Keep state in this folder across restarts (see `openDurableMockServer`); in memory only when left out. */
  dataDir?: string | undefined;
  /** Told about anything the data folder needed (a torn last line, a stale lock, a migration, a repair). */
  onWarning?: ((message: string) => void) | undefined;
  /** With `dataDir`: fsync before each answer (`always`), or leave flushing to the system (`never`, the default). */
  fsync?: DurableMockServerOptions['fsync'];
  /** With `dataDir`: compact the log past this many bytes (16 MiB by default). */
  compactAt?: DurableMockServerOptions['compactAt'];
  /** With `dataDir`: cut the log before a corrupt line, keeping a backup, instead of refusing to start. */
  repair?: DurableMockServerOptions['repair'];
  /** Called after each answer, for a request log. */
  onRequest?: ((entry: { method: string; path: string; status: number; ms: number }) => void) | undefined;
};

/** A mock server listening on a port. */
export type ListeningMockServer = MockServer & {
  /** The origin it answers on, such as `http://127.0.0.1:4010`; the Freshchat API is under `${url}/v2`. */
  url: string;
  /**
   * Stops accepting, finishes in-flight requests, then aborts the webhook attempts still under way (logged with
   * outcome `aborted`, not retried) rather than waiting out a receiver's timeout, and stops the clock.
   */
  stop(): Promise<void>;
};

/**
 * Starts a mock server on a port.
 *
 * @example
 * const sandbox = await listen({ port: 0 });
 * const client = createFreshchatClient({ baseUrl: `${sandbox.url}/v2`, token: 'sandbox-token' });
 * await sandbox.stop();
 */
export async function listen(options: ListenOptions = {}): Promise<ListeningMockServer> {
  if (options.dataDir && (options.frozenClock || options.clockStart !== undefined || options.idSeed !== undefined)) {
    throw new RangeError('dataDir resumes a kept sandbox; frozenClock, clockStart and idSeed describe a fresh one');
  }
  const mock = options.dataDir
    ? await openDurableMockServer({ ...options, dataDir: options.dataDir })
    : createMockServer(options);
  const host = options.host ?? '127.0.0.1';
  const onRequest = options.onRequest;
  const fetch = onRequest
    ? async (request: Request, env: unknown) => {
        const started = performance.now();
        const response = await mock.dispatch(request, env);
        const url = new URL(request.url);
        onRequest({
          method: request.method,
          path: url.pathname,
          status: response.status,
          ms: performance.now() - started,
        });
        return response;
      }
    : mock.dispatch;
  const { server, address } = await new Promise<{ server: ReturnType<typeof serve>; address: AddressInfo }>(
    (resolve, reject) => {
      const server = serve({ fetch, port: options.port ?? 4010, hostname: host }, (address) =>
        resolve({ server, address }),
      );
      server.once('error', reject);
    },
  ).catch((error: unknown) => {
    // A port in use: the data folder's lock is released, the clock's timer stopped.
    mock.close();
    throw error;
  });
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    ...mock,
    url: `http://${shownHost}:${address.port}`,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // An inspector page's event stream never ends by itself.
        mock.inspector.closeAll();
        // Idle keep-alive connections would hold close() open; in-flight requests still finish.
        (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      });
      await mock.webhooks.abort();
      mock.close();
    },
  };
}
