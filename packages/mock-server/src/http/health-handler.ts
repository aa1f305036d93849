import type { OperationHandlers } from './operation-types.js';

/** The operation answered by `healthHandler`, which each mock server makes its own (it knows when it started). */
export type HealthOperationId = 'getHealth';

/**
 * The handler of `GET /_mock/health`, which needs no token: `ok`, the package's version, and whole seconds since
 * the sandbox started, read from `elapsedMs` (real time: this is the process's health, not the virtual clock's).
 *
 * @example
 * const started = performance.now();
 * createApp(sandbox, { extraHandlers: { ...healthHandler(VERSION, () => performance.now() - started), … } });
 */
export function healthHandler(version: string, elapsedMs: () => number): OperationHandlers<HealthOperationId> {
  return {
    getHealth: () => ({
      status: 200,
      body: { status: 'ok', version, uptime_seconds: Math.max(0, Math.floor(elapsedMs() / 1000)) },
    }),
  };
}
