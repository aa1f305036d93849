import { DurableLog, type DurableLogOptions, type LogEntry } from './adapters/durable-log.js';
import { foldableAgent, type STATUS_CHANGE_OPERATIONS } from './adapters/log-compaction.js';
import type { Account } from './domain/accounts/account.js';
import { VirtualClock } from './domain/clock/virtual-clock.js';
import { controlHandlers } from './http/control-handlers.js';
import { freshchatHandlers } from './http/freshchat-handlers.js';
import { createMockServer, type MockServer, type MockServerOptions } from './mock-server.js';

/** A mock server that keeps its state in a folder. */
export type DurableMockServerOptions = Omit<
  MockServerOptions,
  'clock' | 'durable' | 'linkSecret' | 'frozenClock' | 'clockStart' | 'idSeed'
> & {
  /** The folder holding the log (`sandbox-log.ndjson`), its snapshot and lock; created when missing. */
  dataDir: string;
  /** Told about anything the folder needed: a torn last line, a stale lock, a migration, a repair. */
  onWarning?: ((message: string) => void) | undefined;
} & Pick<DurableLogOptions, 'fsync' | 'compactAt' | 'repair'>;

/** The handlers that replay folded status changes: the same code a request runs, without HTTP. */
const statusChangeHandlers: Record<(typeof STATUS_CHANGE_OPERATIONS)[number], (input: never) => unknown> = {
  updateAgentStatus: freshchatHandlers.updateAgentStatus,
  setAgentStatusAsAgent: controlHandlers.setAgentStatusAsAgent,
};

/**
 * Opens a mock server whose state survives restarts: it replays the snapshot and the log in `dataDir` (every
 * accepted mutation, at its clock time, with the ids it produced), then records every new accepted mutation before
 * answering it. The clock resumes as if the process had never stopped; download links and webhook keys stay valid;
 * webhooks are not sent again for replayed changes. Throws a `DataDirError` when the folder cannot be used.
 *
 * @example
 * const mock = await openDurableMockServer({ dataDir: '.sandbox-data', fsync: 'always' });
 */
export async function openDurableMockServer(
  options: DurableMockServerOptions,
): Promise<MockServer & { log: DurableLog }> {
  const log = DurableLog.open(options.dataDir, options);
  try {
    return await replayed(log, options);
  } catch (error) {
    // A start that failed leaves the folder as it found it: unlocked.
    log.abandon();
    throw error;
  }
}

/** The sandbox of an opened log: the log's entries replayed, then recording. */
async function replayed(log: DurableLog, options: DurableMockServerOptions): Promise<MockServer & { log: DurableLog }> {
  const entries = log.loaded.entries;
  const start = entries.find((e) => e.type === 'start');
  // While replaying, real time stands at each entry's moment, so the clock reads what it read then.
  let replayRealAt: number | undefined;
  const realNow = () => replayRealAt ?? log.realNow();
  let clock: VirtualClock;
  let linkSecret: string;
  if (start?.type === 'start') {
    replayRealAt = start.realAt;
    clock = new VirtualClock(realNow, new Date(start.at), { frozen: start.frozen });
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
  try {
    // The log appends nothing and hands back the logged ids; the dispatcher sends nothing: it was sent the first time.
    await log.replay((feedIds) =>
      mock.webhooks.whileMuted(() =>
        replayEntries(mock, entries, feedIds, (at) => {
          replayRealAt = at;
        }),
      ),
    );
  } finally {
    replayRealAt = undefined;
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

/** Replays the snapshot's and the log's entries in order, each at its moment (told through `at`). */
async function replayEntries(
  mock: MockServer,
  entries: LogEntry[],
  feedIds: (ids: string[]) => void,
  at: (realAt: number) => void,
): Promise<void> {
  for (const entry of entries) {
    if (entry.type === 'key') {
      mock.state
        .allAccounts()
        .find((a) => a.appId === entry.appId)
        ?.webhooks.restoreKeyPair(entry.privateKeyPem);
    } else if (entry.type === 'request') {
      at(entry.realAt);
      const agentId = foldableAgent(entry);
      if (agentId !== undefined) {
        // A status change runs its handler directly, as a `changes` row does: the same rule, without HTTP.
        const account = mock.state.authenticate(entry.token as string);
        changeStatus(mock, account, entry.op as string, agentId, JSON.parse(entry.body as string));
        continue;
      }
      feedIds(entry.ids);
      const headers: Record<string, string> = {};
      if (entry.token) headers.authorization = `Bearer ${entry.token}`;
      if (entry.contentType) headers['content-type'] = entry.contentType;
      await mock.app.fetch(
        new Request(`http://replay.invalid${entry.path}`, { method: entry.method, headers, body: entry.body }),
      );
    } else if (entry.type === 'changes') {
      replayChanges(mock, entry, at);
    }
  }
}

/** Replays a `changes` line: each change through its operation's handler, at its moment. */
function replayChanges(mock: MockServer, entry: Extract<LogEntry, { type: 'changes' }>, at: (realAt: number) => void) {
  const bodies = entry.bodies.map((body) => JSON.parse(body) as unknown);
  const accounts = entry.tokens.map((token) => mock.state.authenticate(token));
  const { ops, rows } = entry;
  let realAt = entry.realAt;
  for (let i = 0; i < rows.length; i += 5) {
    realAt += rows[i] as number;
    at(realAt);
    const agentId = entry.agents[rows[i + 3] as number] as string;
    changeStatus(
      mock,
      accounts[rows[i + 1] as number],
      ops[rows[i + 2] as number],
      agentId,
      bodies[rows[i + 4] as number],
    );
  }
}

function changeStatus(
  mock: MockServer,
  account: Account | undefined,
  op: string | undefined,
  agentId: string,
  body: unknown,
) {
  const handler = statusChangeHandlers[op as keyof typeof statusChangeHandlers];
  if (!account || !handler) throw new Error(`a logged status change names an unknown account or operation (${op})`);
  handler({ account, sandbox: mock.state, path: { agent_id: agentId }, query: {}, body } as never);
}
