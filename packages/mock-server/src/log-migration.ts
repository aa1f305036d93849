/**
 * The one-time migration of a data folder whose log holds HTTP requests (formats 1 and 2) to domain events (format
 * 3). It drives the logged requests through an in-process sandbox, as the old format replayed them: each at its
 * logged real time, fed the ids it made, rate limits off, webhooks muted. The sandbox's events become the new log;
 * the old files stay beside it, renamed with a `.v1` or `.v2` suffix.
 */
import { lockDataDir } from './adapters/data-dir-lock.js';
import { LOG_FORMAT, type RequestLogEntry } from './adapters/log-format.js';
import { folderFormat } from './adapters/log-header.js';
import { finishReplacement, readRequestLog, replaceRequestLog } from './adapters/request-log-folder.js';
import { VirtualClock } from './domain/clock/virtual-clock.js';
import type { EventBatch } from './domain/events/event-sink.js';
import { createMockServer, type MockServer, type MockServerOptions } from './mock-server.js';

/** The old operations whose requests a format-2 snapshot folded into `changes` rows, and where they were sent. */
const FOLDED_PATHS: Record<string, (agentId: string) => [method: string, path: string]> = {
  updateAgentStatus: (id) => ['PATCH', `/v2/agents/${encodeURIComponent(id)}`],
  setAgentStatusAsAgent: (id) => ['POST', `/_mock/agents/${encodeURIComponent(id)}/status`],
};

/** What the migration needs of the options: the sandbox the old log was replayed into. */
export type MigrationOptions = Pick<MockServerOptions, 'seed' | 'reportDelaySeconds' | 'limits' | 'bodyLimits'> & {
  repair?: boolean | undefined;
  onWarning?: ((message: string) => void) | undefined;
};

/**
 * Migrates the folder `dir` to format 3 when it holds an older log; does nothing otherwise (a new folder, or one
 * already in format 3). Says what it did through `onWarning`.
 *
 * @example
 * await migrateRequestLog('.sandbox-data', { onWarning: console.warn });
 */
export async function migrateRequestLog(dir: string, options: MigrationOptions = {}): Promise<void> {
  if (finishReplacement(dir)) {
    options.onWarning?.(`${dir}: a migration to format ${LOG_FORMAT} was cut short after writing its log; finished it`);
  }
  const version = folderFormat(dir);
  if (version === undefined || version >= LOG_FORMAT) return;
  const onWarning = options.onWarning ?? (() => {});
  const unlock = lockDataDir(dir, onWarning);
  try {
    const entries = readRequestLog(dir, { repair: options.repair, onWarning });
    const batches: EventBatch[] = [];
    const start = entries.find((e) => e.type === 'start');
    const moment = { realAt: start?.realAt ?? Date.now(), ids: [] as string[] };
    const mock = createMockServer({
      ...options,
      adminToken: MIGRATION_ADMIN_TOKEN,
      limits: { ...options.limits, requestsPerMinute: Number.MAX_SAFE_INTEGER },
      clock: new VirtualClock(() => moment.realAt, start && new Date(start.at), { frozen: start?.frozen }),
      linkSecret: start?.linkSecret,
      ids: () => moment.ids.shift() ?? crypto.randomUUID(),
      // Every account of a format-2 folder had the same built-in status ids; they keep them.
      sharedBuiltInIds: true,
      store: { accept: (batch) => void batches.push(batch), replay: () => {} },
      webhooks: { fetch: () => Promise.reject(new Error('webhooks are muted while migrating')) },
    });
    try {
      await mock.webhooks.whileMuted(async () => {
        for (const entry of entries) await migrateEntry(mock, entry, moment);
      });
    } finally {
      mock.close();
    }
    const kept = replaceRequestLog(dir, version, batches);
    onWarning(
      `${dir} held a format-${version} log (requests); migrated once to format ${LOG_FORMAT} (domain events). ` +
        `The original is kept as ${kept.join(' and ')}.`,
    );
  } finally {
    unlock();
  }
}

/** The admin token of the sandbox a migration carries the old requests out in: no account's, no one else's. */
const MIGRATION_ADMIN_TOKEN = `migration-${crypto.randomUUID()}`;

/** The requests that reach every account (the admin token's since scoped control), as `METHOD path`. */
const WHOLE_SANDBOX = new Set([
  'POST /_mock/reset',
  'POST /_mock/clock',
  'POST /_mock/clock/advance',
  'POST /_mock/accounts',
]);

/** Carries out one old entry: its requests through the app, at their moment, with their ids. */
async function migrateEntry(
  mock: MockServer,
  entry: RequestLogEntry,
  moment: { realAt: number; ids: string[] },
): Promise<void> {
  if (entry.type === 'key') {
    const app = entry.appId;
    if (!mock.state.allAccounts().some((a) => a.appId === app)) return;
    const privateKeyPem = entry.privateKeyPem;
    mock.state.commands.execute(() => ({ events: [{ type: 'webhookKeyMade', app, privateKeyPem }], answer: () => {} }));
  } else if (entry.type === 'request') {
    moment.realAt = entry.realAt;
    moment.ids = [...entry.ids];
    // Before scoped control any account's token moved the clock, made accounts and reset everything: so they do here.
    const token = WHOLE_SANDBOX.has(`${entry.method} ${entry.path}`) ? MIGRATION_ADMIN_TOKEN : entry.token;
    await send(mock, entry.method, entry.path, token, entry.contentType, entry.body);
  } else if (entry.type === 'changes') {
    let realAt = entry.realAt;
    for (let i = 0; i < entry.rows.length; i += 5) {
      realAt += entry.rows[i] as number;
      moment.realAt = realAt;
      moment.ids = [];
      const route = FOLDED_PATHS[entry.ops[entry.rows[i + 2] as number] as string];
      if (!route) throw new Error(`a folded change names an unknown operation`);
      const [method, path] = route(entry.agents[entry.rows[i + 3] as number] as string);
      const token = entry.tokens[entry.rows[i + 1] as number];
      await send(mock, method, path, token, 'application/json', entry.bodies[entry.rows[i + 4] as number]);
    }
  }
}

async function send(
  mock: MockServer,
  method: string,
  path: string,
  token: string | undefined,
  contentType: string | undefined,
  body: string | undefined,
): Promise<void> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (contentType) headers['content-type'] = contentType;
  try {
    await mock.app.fetch(new Request(`http://migration.invalid${path}`, { method, headers, body }));
  } catch {
    // A request whose connection a fault dropped: its fault is used up all the same, as it was the first time.
  }
}
