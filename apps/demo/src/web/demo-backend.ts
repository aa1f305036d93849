import type { ControlClient, FreshchatClient } from '@freshchat-sandbox/client';
import { dataOf, listAllAgents } from '../freshchat-calls.js';
import { type BackendTarget, type Connection, connect } from './backend-connection.js';
import { Board, freshchatChoices, patchBodyFor, sandboxChoices } from './board.js';

/** The path the demo receives Freshchat's webhooks on. */
export const WEBHOOK_PATH = '/webhooks/freshchat';

/** What the board's "Fill 30 days for 50 agents" button asks the sandbox to simulate. */
const SIMULATED_AGENTS = 50;
const SIMULATED_DAYS = 30;

/**
 * The board's side of the API: the Freshchat (or sandbox) clients, the {@link Board} they fill, and the sandbox's
 * virtual clock as an offset from real time. Every call to Freshchat or the control API goes through here; what
 * the page is told about it is the caller's business.
 *
 * @example
 * const backend = await DemoBackend.connect({}, { onClockMoved: (now) => hub.broadcast('clock', { now }) });
 * await backend.load();
 * const state = backend.snapshot();
 */
export class DemoBackend {
  /** The board's state, filled from the API and changed by verified webhooks. */
  readonly board = new Board();
  private clockOffsetMs: number | undefined;
  private simulations = 0;
  private subscriptionId: string | undefined;

  private constructor(
    private readonly connection: Connection,
    private readonly onClockMoved: (now: string) => void,
  ) {}

  /**
   * Connects to the target: starts a sandbox in-process unless one is named, and reads its webhook public key.
   * `onClockMoved` hears of every jump of the sandbox's clock (someone advanced it).
   */
  static async connect(
    target: BackendTarget,
    { onClockMoved }: { onClockMoved: (now: string) => void },
  ): Promise<DemoBackend> {
    return new DemoBackend(await connect(target), onClockMoved);
  }

  /** A sandbox (the control API is there) or a real account. */
  get mode(): 'sandbox' | 'freshchat' {
    return this.connection.mode;
  }

  /** The Freshchat API: the account's, or the sandbox's `/v2`. */
  get freshchat(): FreshchatClient {
    return this.connection.freshchat;
  }

  /** The sandbox's control API; `undefined` against a real account. */
  get control(): ControlClient | undefined {
    return this.connection.control;
  }

  /** The sandbox's origin, in sandbox mode. */
  get sandboxUrl(): string | undefined {
    return this.connection.sandboxUrl;
  }

  /** The key webhook deliveries are verified with; `undefined` when there is none. */
  get publicKey(): string | undefined {
    return this.connection.publicKey;
  }

  /** Reads the statuses, the agents and the clock. */
  async load(): Promise<void> {
    await this.loadStatuses();
    await this.loadAgents();
    await this.readClock();
  }

  /** Reads the statuses the board offers: the sandbox's full list, or a real account's custom ones and the built-ins. */
  async loadStatuses(): Promise<void> {
    const { control, freshchat } = this.connection;
    if (control) {
      this.board.setStatuses(sandboxChoices(dataOf(await control.GET('/_mock/statuses')).states));
    } else {
      this.board.setStatuses(freshchatChoices(dataOf(await freshchat.GET('/agents/status')).states));
    }
  }

  /** Reads every agent, and (in the sandbox) since when each is on its status. */
  async loadAgents(): Promise<void> {
    const { control, freshchat } = this.connection;
    const agents = await listAllAgents(freshchat);
    const since = new Map<string, string>();
    if (control) {
      // The sandbox knows since when each agent is on its status; Freshchat's API does not say.
      await Promise.all(
        agents.map(async (agent) => {
          const { history } = dataOf(
            await control.GET('/_mock/agents/{agent_id}/history', { params: { path: { agent_id: agent.id } } }),
          );
          const last = history.at(-1);
          if (last) since.set(agent.id, last.at);
        }),
      );
    }
    this.board.setAgents(agents, (agent) => since.get(agent.id));
  }

  /** Reads the sandbox's clock (nothing against a real account). */
  async readClock(): Promise<void> {
    const { control } = this.connection;
    if (!control) return;
    const { now } = dataOf(await control.GET('/_mock/clock'));
    const offset = Date.parse(now) - Date.now();
    const previous = this.clockOffsetMs;
    this.clockOffsetMs = offset;
    // The clock follows real time; only a jump (someone advanced it) is news for the page.
    if (previous !== undefined && Math.abs(offset - previous) > 1_000) this.onClockMoved(now);
  }

  /** Everything the page shows, as one JSON value. */
  snapshot() {
    const { mode, apiUrl, sandboxUrl } = this.connection;
    const offset = this.clockOffsetMs;
    return {
      mode,
      apiUrl,
      sandboxUrl: sandboxUrl ?? null,
      webhooks: this.webhookInfo(),
      // Read afresh for each snapshot would cost a call; the offset from real time is what the page needs.
      clock: offset === undefined ? null : { now: new Date(Date.now() + offset).toISOString() },
      statuses: this.board.statuses(),
      agents: this.board.list(),
      events: this.board.recentEvents(),
    };
  }

  /** Whether verified webhooks keep the board up to date, and what the page says about it. */
  webhookInfo(): { live: boolean; note: string } {
    const { mode, publicKey, publicUrl } = this.connection;
    if (mode === 'sandbox') {
      return { live: true, note: 'Subscribed to the sandbox: every delivery is verified before the board changes.' };
    }
    const where = publicUrl ? `${publicUrl.replace(/\/$/, '')}${WEBHOOK_PATH}` : null;
    return {
      live: publicKey !== undefined,
      note:
        publicKey === undefined
          ? `Live updates are off: webhooks need a public URL (set it in Freshchat's webhook settings, pointing at ${where ?? `this server's ${WEBHOOK_PATH}`}, e.g. through a tunnel) and FRESHCHAT_WEBHOOK_PUBLIC_KEY set to the key shown there. Until then the board shows API answers and "Reload".`
          : `Webhooks need a public URL: Freshchat must reach ${where ?? `this server's ${WEBHOOK_PATH} through a public URL (e.g. a tunnel)`}; set it in Freshchat's webhook settings.`,
    };
  }

  /** Adds an agent a webhook names that the board has not seen (created after the board loaded). */
  async addAgentIfNew(agentId: string): Promise<void> {
    if (this.board.has(agentId)) return;
    const answer = await this.connection.freshchat.GET('/agents/{agent_id}', {
      params: { path: { agent_id: agentId } },
    });
    if (answer.data) this.board.addAgent(answer.data);
  }

  /** Changes an agent's status as an admin (`PATCH /agents/{id}`), or `undefined` for a key that is no status. */
  async changeStatus(agentId: string, statusKey: string) {
    const body = patchBodyFor(statusKey);
    if (!body) return undefined;
    const before = this.board.get(agentId);
    const answer = dataOf(
      await this.connection.freshchat.PATCH('/agents/{agent_id}', { params: { path: { agent_id: agentId } }, body }),
    );
    return { answer, unchanged: before?.statusId === answer.agent_status.id };
  }

  /** Moves the sandbox's clock forward and tells `onClockMoved`; the new "now". */
  async advanceClock(seconds: number): Promise<string> {
    const admin = this.connection.adminControl as ControlClient;
    const { now } = dataOf(await admin.POST('/_mock/clock/advance', { body: { seconds } }));
    this.clockOffsetMs = Date.parse(now) - Date.now();
    this.onClockMoved(now);
    return now;
  }

  /** Fills the sandbox with simulated agents and history, then reloads the agents. */
  async simulate() {
    // Each press adds 50 other people: the seed counts the presses.
    this.simulations++;
    const made = dataOf(
      await this.sandbox().POST('/_mock/simulate', {
        body: { agents: SIMULATED_AGENTS, days: SIMULATED_DAYS, seed: this.simulations },
      }),
    );
    await this.loadAgents();
    return { ...made, days: SIMULATED_DAYS };
  }

  /** Creates a custom status in the sandbox, then reloads the statuses. */
  async createStatus(name: string, emoji: string | undefined) {
    const created = dataOf(
      await this.sandbox().POST('/_mock/statuses', { body: { name, ...(emoji !== undefined && { emoji }) } }),
    );
    await this.loadStatuses();
    return created;
  }

  /** Renames a custom status in the sandbox, then reloads the statuses. */
  async renameStatus(statusId: string, name: string) {
    const updated = dataOf(
      await this.sandbox().PATCH('/_mock/statuses/{status_id}', {
        params: { path: { status_id: statusId } },
        body: { name },
      }),
    );
    await this.loadStatuses();
    return updated;
  }

  /** Deletes a custom status in the sandbox, then reloads the statuses. */
  async deleteStatus(statusId: string): Promise<void> {
    const answer = await this.sandbox().DELETE('/_mock/statuses/{status_id}', {
      params: { path: { status_id: statusId } },
    });
    if (!answer.response.ok) dataOf(answer);
    await this.loadStatuses();
  }

  /** Subscribes `url` to the sandbox's webhooks; false against a real account (its webhooks are set by hand). */
  async subscribe(url: string): Promise<boolean> {
    const { control } = this.connection;
    if (!control) return false;
    this.subscriptionId = dataOf(await control.POST('/_mock/webhooks', { body: { url } })).id;
    return true;
  }

  /** Removes the subscription {@link subscribe} made, if any; a failure is ignored (the sandbox may be gone). */
  async unsubscribe(): Promise<void> {
    const { control } = this.connection;
    if (!control || !this.subscriptionId) return;
    await control
      .DELETE('/_mock/webhooks/{subscription_id}', { params: { path: { subscription_id: this.subscriptionId } } })
      .catch(() => {});
  }

  /** Stops the sandbox {@link connect} started, if it started one. */
  async stopSandbox(): Promise<void> {
    await this.connection.stopSandbox?.();
  }

  /** The control API, for the calls that exist only against the sandbox (the routes refuse them otherwise). */
  private sandbox(): ControlClient {
    return this.connection.control as ControlClient;
  }
}
