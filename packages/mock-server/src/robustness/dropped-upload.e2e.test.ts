/**
 * A client that drops its upload half-way (the connection reset while the body is being read) is one line of the
 * request log, and nothing on stderr: no `ECONNRESET` stack, no 500.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ListeningMockServer, listen } from '../listen.js';
import { TOKEN } from '../testing/sandbox-harness.js';

let server: ListeningMockServer | undefined;
afterEach(async () => {
  await server?.stop();
  vi.restoreAllMocks();
});

describe('a dropped upload', () => {
  it('is logged as one 400 line, with nothing written to stderr', async () => {
    const stderr = vi.spyOn(process.stderr, 'write');
    const consoleError = vi.spyOn(console, 'error');
    const logged: string[] = [];
    server = await listen({
      port: 0,
      onRequest: ({ method, path, status }) => logged.push(`${method} ${path} ${status}`),
    });
    const { port } = new URL(server.url);

    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `POST /_mock/statuses HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"name":"',
        );
        socket.write('x'.repeat(5000), () => setTimeout(() => socket.resetAndDestroy(), 50));
      });
      socket.on('error', () => {});
      socket.on('close', () => resolve());
    });
    await vi.waitFor(() => expect(logged).toEqual(['POST /_mock/statuses 400']));

    expect(consoleError).not.toHaveBeenCalled();
    expect(stderr).not.toHaveBeenCalled();
    const states = await fetch(`${server.url}/_mock/statuses`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(((await states.json()) as { states: unknown[] }).states).toHaveLength(7);
  });
});
