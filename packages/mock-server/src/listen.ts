import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type DurableMockServerOptions, openDurableMockServer } from './durable-mock-server.js';
import { HttpDate } from './http/answer.js';
import { hostRefusal, isAllowedHost } from './http/host-check.js';
import { createMockServer, type MockServer, type MockServerOptions } from './mock-server.js';
import { OPTION_TABLE, type SandboxSettings } from './options.js';

/** One answered request, for a request log. */
export type RequestLogEntry = {
  method: string;
  path: string;
  status: number;
  /** Milliseconds from the request to its answer. */
  ms: number;
  /** When it was answered, in real time (epoch milliseconds). */
  at: number;
  /** The app id of the account its token reaches, if any. */
  account?: string | undefined;
  /** For an error answer: its code (`AGENT_NOT_FOUND`, or the storage service's `AccessDenied`) and message. */
  error?: { code: string; message: string } | undefined;
};

/** Where and how to listen: the settings of `createMockServer`, the port, and a data folder's. */
export type ListenOptions = MockServerOptions &
  Pick<SandboxSettings, 'port' | 'host' | 'dataDir' | 'allowedHosts'> &
  Pick<DurableMockServerOptions, 'onWarning' | 'fsync' | 'compactAt' | 'repair'> & {
    /** Called after each answer, for a request log. */
    onRequest?: ((entry: RequestLogEntry) => void) | undefined;
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
  const mock = options.dataDir
    ? await openDurableMockServer({ ...options, dataDir: options.dataDir })
    : createMockServer(options);
  const host = options.host ?? OPTION_TABLE.host.default;
  const onRequest = options.onRequest;
  const answer = onRequest
    ? async (request: Request, env: unknown) => {
        const started = performance.now();
        const response = await mock.dispatch(request, env);
        const ms = performance.now() - started;
        onRequest({
          method: request.method,
          path: new URL(request.url).pathname,
          status: response.status,
          ms,
          at: Date.now(),
          account: accountOf(mock, request),
          error: response.status >= 400 ? await errorOf(response) : undefined,
        });
        return response;
      }
    : mock.dispatch;
  // Against DNS rebinding: only the sandbox's own names are answered (see isAllowedHost).
  const allowed = [host, ...(options.allowedHosts ?? [])];
  // A refused Host is dated on the virtual clock too, like every other answer.
  const date = new HttpDate(mock.clock);
  const fetch = (request: Request, env: unknown) => {
    // Read from the Node request as it came: cheaper than building the Request's headers.
    const incoming = (env as { incoming?: Pick<IncomingMessage, 'headers'> } | undefined)?.incoming;
    const hostHeader = incoming?.headers.host ?? request.headers.get('host') ?? undefined;
    if (!isAllowedHost(hostHeader, allowed)) return date.stamp(hostRefusal(hostHeader as string));
    return atTurnEnd(answer(request, env));
  };
  const { server, address } = await new Promise<{ server: ReturnType<typeof serve>; address: AddressInfo }>(
    (resolve, reject) => {
      const server = serve({ fetch, port: options.port ?? OPTION_TABLE.port.default, hostname: host }, (address) =>
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

/**
 * `answer`, handed to the server once it is made and not before the end of this turn of the event loop, so that the
 * answers of one turn are written together. A client that shares the machine's cores (a test runner, a load
 * generator) is then woken once for them all rather than once per answer, and on a small machine those wake-ups cost
 * more than the answers (bench/NOTES.md). The wait is one turn: microseconds on an idle server.
 */
function atTurnEnd(answer: Response | Promise<Response>): Promise<Response> {
  return new Promise((resolve, reject) => {
    // A rejection is taken at once: a dropped connection must not wait for the turn's end as an unhandled rejection.
    if (answer instanceof Promise) answer.then((response) => setImmediate(resolve, response), reject);
    else setImmediate(resolve, answer);
  });
}

/** The app id of the account a request's bearer token reaches. */
function accountOf(mock: MockServer, request: Request): string | undefined {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  return token === undefined ? undefined : mock.state.authenticate(token)?.appId;
}

/** An error answer's code and message, read from a copy of its body: Freshchat's JSON or the storage service's XML. */
async function errorOf(response: Response): Promise<RequestLogEntry['error']> {
  const text = await response.clone().text();
  try {
    const body = JSON.parse(text) as { status?: unknown; message?: unknown };
    if (typeof body.status === 'string') return { code: body.status, message: String(body.message ?? '') };
  } catch {
    // Not JSON: the storage service answers XML.
  }
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  return code === undefined ? undefined : { code, message: /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? '' };
}
