import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';

/** A webhook receiver on 127.0.0.1 that accepts connections and never answers. */
export type SilentReceiver = {
  /** Its origin, such as `http://127.0.0.1:41234`. */
  origin: string;
  /** Connections open now. */
  readonly open: number;
  /** The most connections that were open at once. */
  readonly mostOpen: number;
  close(): Promise<void>;
};

/**
 * Starts a TCP server that takes every connection and reads nothing back: a subscriber that never answers, which
 * holds each attempt until the sandbox's timeout or stop.
 *
 * @example
 * const receiver = await startSilentReceiver();
 * await control.POST('/_mock/webhooks', { body: { url: `${receiver.origin}/hook` } });
 */
export async function startSilentReceiver(): Promise<SilentReceiver> {
  const sockets = new Set<Socket>();
  let mostOpen = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    mostOpen = Math.max(mostOpen, sockets.size);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    // Read the request, answer nothing.
    socket.resume();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    get open() {
      return sockets.size;
    },
    get mostOpen() {
      return mostOpen;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
