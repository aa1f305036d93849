// @ts-check
// What the page knows: the server's `/events` stream fills it (board/stream.js), the other modules read it.

// The shapes are the server's own (type-only imports: nothing is loaded at run time).
/** @typedef {import('../../board.js').BoardAgent} BoardAgent */
/** @typedef {import('../../board.js').StatusChoice} StatusChoice */
/** @typedef {import('../../report-export.js').ReportExport} ReportExport */
/** @typedef {ReturnType<import('../../demo-backend.js').DemoBackend['snapshot']>} Snapshot */

/**
 * The page's state, shared by every module of the board.
 * @type {{ mode: Snapshot['mode'] | null, statuses: StatusChoice[], agents: Map<string, BoardAgent>,
 *   clockOffsetMs: number, webhooksLive: boolean, pending: Map<string, { text?: string, error?: string }>,
 *   exportId: string | null, exports: Map<string, ReportExport> }}
 */
export const state = {
  mode: null,
  statuses: [],
  agents: new Map(),
  clockOffsetMs: 0,
  webhooksLive: true,
  pending: new Map(),
  exportId: null,
  exports: new Map(),
};
