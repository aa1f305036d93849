import { type Agent, request } from 'node:http';

/** An answer read whole: its status and its JSON body (undefined when it has none). */
type CallAnswer = { status: number; body: unknown };

/** One request to the sandbox with a bearer token and, when given, a JSON body. */
export type SandboxCall = (token: string, method: string, path: string, body?: unknown) => Promise<CallAnswer>;

/**
 * Requests to the sandbox at `origin()` over `agent`'s keep-alive connections, apart from any other connections the
 * test opens. `origin` is read on each call, as the server is started after the function is made.
 *
 * @example
 * const call = keepAliveCall(new Agent({ keepAlive: true, maxSockets: 4 }), () => server.url);
 * const { status } = await call(TOKEN, 'GET', '/v2/agents/status');
 */
export function keepAliveCall(agent: Agent, origin: () => string): SandboxCall {
  return (token, method, path, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const { hostname, port } = new URL(origin());
      const req = request(
        {
          host: hostname,
          port,
          method,
          path,
          agent,
          headers: {
            Authorization: `Bearer ${token}`,
            ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
}
