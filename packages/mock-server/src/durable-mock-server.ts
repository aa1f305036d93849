import { DurableLog, type DurableLogOptions } from './adapters/durable-log.js';
import { migrateRequestLog } from './log-migration.js';
import { createMockServer, type MockServer, type MockServerOptions } from './mock-server.js';
import type { SandboxSettings } from './options.js';

/**
 * A mock server that keeps its state in a folder: `createMockServer`'s settings but those the folder holds itself,
 * the folder's settings from `OPTION_TABLE` (`dataDir`, required here: the folder holding the log, its snapshot and
 * lock, created when missing), and a hook.
 */
export type DurableMockServerOptions = Omit<MockServerOptions, 'clock' | 'store' | 'linkSecret' | 'ids'> &
  Pick<SandboxSettings, 'fsync' | 'compactAt' | 'repair'> & { dataDir: NonNullable<SandboxSettings['dataDir']> } & {
    /** Told about anything the folder needed: a torn last line, a stale lock, a migration, a repair. */
    onWarning?: ((message: string) => void) | undefined;
  } & Pick<DurableLogOptions, 'writer'>;

/**
 * Opens a mock server whose state survives restarts. Every change is a domain event written to the log in
 * `dataDir` before it is applied and answered; opening applies the snapshot's and the log's events again, through
 * the domain alone, to the last acknowledged state: the same ids, history to the millisecond, the clock where it
 * stood (frozen, or following real time as if the process had never stopped), the id seed's position. The seed,
 * `frozenClock`, `clockStart` and `idSeed` describe the first start; later starts resume from the log. A folder in
 * an older format is migrated once. Throws a `DataDirError` when the folder cannot be used.
 *
 * @example
 * const mock = await openDurableMockServer({ dataDir: '.sandbox-data', fsync: 'always' });
 */
export async function openDurableMockServer(
  options: DurableMockServerOptions,
): Promise<MockServer & { log: DurableLog }> {
  await migrateRequestLog(options.dataDir, options);
  const log = DurableLog.open(options.dataDir, options);
  let mock: MockServer;
  try {
    mock = createMockServer({ ...options, store: log });
  } catch (error) {
    log.close();
    throw error;
  }
  try {
    // A first start's event, with a group commit: kept before the server is handed out.
    await log.unsettled();
  } catch (error) {
    mock.close();
    log.close();
    throw error;
  }
  log.compactIfDue();
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
