import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { BackendTarget } from './backend-connection.js';
import { DemoBackend, WEBHOOK_PATH } from './demo-backend.js';
import { demoRoutes } from './demo-routes.js';
import { EventHub } from './event-hub.js';
import { ReportExports } from './report-export.js';

export { WEBHOOK_PATH };

/** How to start the board: where to listen, and (see {@link BackendTarget}) what to talk to. */
export type DemoServerOptions = BackendTarget & {
  /** Port to listen on; 0 picks a free one. Default 5173. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /**
   * More names the board answers as its `Host` (`--allowed-host`), besides IP addresses, localhost names, `host` and
   * the public URL's; a leading dot allows the subdomains too. Any other Host gets 403 (against DNS rebinding).
   */
  allowedHosts?: string[];
  /** Where to log; `console.log` by default. */
  log?: (line: string) => void;
};

/** A running board. */
export type DemoServer = {
  /** The board's URL, e.g. `http://127.0.0.1:5173`. */
  url: string;
  mode: 'sandbox' | 'freshchat';
  /** The sandbox's origin, in sandbox mode. */
  sandboxUrl: string | undefined;
  /** Unsubscribes the webhook, closes the page connections and the port, and stops the sandbox it started. */
  stop(): Promise<void>;
};

/** How often the board reads the sandbox's clock, to notice that someone else advanced it. */
const CLOCK_POLL_MS = 3_000;

/**
 * Starts the supervisor's live agent-status board: a Hono server with the page, a JSON API for it, server-sent
 * events on `/events`, and a webhook endpoint on `/webhooks/freshchat` that verifies every delivery.
 *
 * By default it starts its own sandbox in-process on 127.0.0.1 (a free port) and subscribes its webhook endpoint
 * there; `sandbox` points it at a running sandbox instead, `freshchat` at a real account. The parts: the API side
 * (`demo-backend.ts`), the pages' event streams (`event-hub.ts`) and the routes (`demo-routes.ts`).
 *
 * @example
 * const board = await startDemoServer({ port: 0 });
 * console.log(`open ${board.url}`);
 * await board.stop();
 */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  const hub = new EventHub();
  const backend = await DemoBackend.connect(options, {
    // Heard only once the board has loaded (a first reading of the clock is no jump), when `exports` exists.
    onClockMoved: (now) => {
      hub.broadcast('clock', { now });
      exports.clockMoved();
    },
  });
  const exports = new ReportExports({
    freshchat: backend.freshchat,
    pollIntervalMs: backend.mode === 'sandbox' ? 1_000 : 10_000,
    onChange: (exported) => hub.broadcast('report', exported),
  });
  await backend.load();
  const app = await demoRoutes({ backend, hub, exports });

  const host = options.host ?? '127.0.0.1';
  // Against DNS rebinding, as the sandbox does: only the board's own names are answered.
  const { isAllowedHost, hostRefusal } = await import('@freshchat-sandbox/mock-server');
  const publicUrl = options.freshchat?.publicUrl;
  const allowed = [host, ...(options.allowedHosts ?? []), ...(publicUrl ? [new URL(publicUrl).host] : [])];
  const fetch = (request: Request, env: unknown) => {
    const incoming = (env as { incoming?: { headers: { host?: string } } } | undefined)?.incoming;
    const hostHeader = incoming?.headers.host ?? request.headers.get('host') ?? undefined;
    return isAllowedHost(hostHeader, allowed) ? app.fetch(request, env) : hostRefusal(hostHeader as string);
  };
  const { server, address } = await new Promise<{ server: ReturnType<typeof serve>; address: AddressInfo }>(
    (resolve, reject) => {
      const server = serve({ fetch, port: options.port ?? 5173, hostname: host }, (address) =>
        resolve({ server, address }),
      );
      server.once('error', reject);
    },
  );
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${address.port}`;

  if (await backend.subscribe(`${url}${WEBHOOK_PATH}`))
    log(`subscribed ${url}${WEBHOOK_PATH} to the sandbox's webhooks`);

  const clockPoll = backend.control
    ? setInterval(() => void backend.readClock().catch(() => {}), CLOCK_POLL_MS).unref()
    : undefined;

  let stopping = false;
  return {
    url,
    mode: backend.mode,
    sandboxUrl: backend.sandboxUrl,
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(clockPoll);
      exports.stop();
      await backend.unsubscribe();
      hub.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await backend.stopSandbox();
    },
  };
}
