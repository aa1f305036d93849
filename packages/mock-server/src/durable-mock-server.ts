import { DurableLog } from './domain/durable-log.js';
import { VirtualClock } from './domain/virtual-clock.js';
import { createMockServer, type MockServer, type MockServerOptions } from './mock-server.js';

/** A mock server that keeps its state in a folder. */
export type DurableMockServerOptions = Omit<
  MockServerOptions,
  'clock' | 'durable' | 'linkSecret' | 'frozenClock' | 'clockStart' | 'idSeed'
> & {
  /** The folder holding the log (`sandbox-log.ndjson`); created when missing. */
  dataDir: string;
  /** Told about anything skipped while reading the log (a torn last line after a kill). */
  onWarning?: ((message: string) => void) | undefined;
};

/**
 * Opens a mock server whose state survives restarts: it replays the log in `dataDir` (every accepted mutation, at
 * its clock time, with the ids it produced), then records every new accepted mutation before answering it. The
 * clock resumes as if the process had never stopped; download links and webhook keys stay valid; webhooks are not
 * sent again for replayed changes.
 *
 * @example
 * const mock = await openDurableMockServer({ dataDir: '.sandbox-data' });
 */
export async function openDurableMockServer(
  options: DurableMockServerOptions,
): Promise<MockServer & { log: DurableLog }> {
  const log = DurableLog.open(options.dataDir);
  for (const warning of log.loaded.warnings) options.onWarning?.(warning);
  const entries = log.loaded.entries;
  const start = entries.find((e) => e.type === 'start');
  // While replaying, real time stands at each entry's moment, so the clock reads what it read then.
  let replayRealAt: number | undefined;
  const realNow = () => replayRealAt ?? log.heldRealAt ?? Date.now();
  let clock: VirtualClock;
  let linkSecret: string;
  if (start?.type === 'start') {
    replayRealAt = start.realAt;
    clock = new VirtualClock(realNow, new Date(start.at));
    linkSecret = start.linkSecret;
  } else {
    // The seed is loaded at the start the log records, as a restart will load it.
    replayRealAt = Date.now();
    clock = new VirtualClock(realNow);
    linkSecret = crypto.randomUUID();
    const at = clock.now();
    log.append({ type: 'start', at, realAt: at - clock.offset, linkSecret });
  }
  const mock = createMockServer({ ...options, clock, linkSecret, durable: log });
  log.replaying = true;
  mock.webhooks.muted = true;
  try {
    for (const entry of entries) {
      if (entry.type === 'key') {
        mock.state
          .allAccounts()
          .find((a) => a.appId === entry.appId)
          ?.webhooks.restoreKeyPair(entry.privateKeyPem);
      } else if (entry.type === 'request') {
        replayRealAt = entry.realAt;
        log.feedIds(entry.ids);
        const headers: Record<string, string> = {};
        if (entry.token) headers.authorization = `Bearer ${entry.token}`;
        if (entry.contentType) headers['content-type'] = entry.contentType;
        await mock.app.fetch(
          new Request(`http://replay.invalid${entry.path}`, { method: entry.method, headers, body: entry.body }),
        );
      }
    }
  } finally {
    replayRealAt = undefined;
    log.replaying = false;
    mock.webhooks.muted = false;
  }
  const close = mock.close;
  return {
    ...mock,
    log,
    close: () => {
      close();
      log.close();
    },
  };
}
