import type { InspectorFeed } from './inspector-feed.js';
import type { OperationHandlers } from './operation-types.js';

/** The operation answered from the server's inspector feed. */
export type InspectorOperationId = 'streamInspectorEvents';

/**
 * The handler of `GET /_mock/inspector/events`: the account's live snapshots from the server's inspector feed.
 *
 * @example
 * createApp(sandbox, { extraHandlers: { ...webhookHandlers(dispatcher), ...inspectorHandlers(feed) } });
 */
export function inspectorHandlers(inspector: InspectorFeed): OperationHandlers<InspectorOperationId> {
  return { streamInspectorEvents: ({ account }) => inspector.open(account) };
}
