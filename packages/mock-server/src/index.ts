export type { AccountLimits, AccountSeed } from './domain/account.js';
export { ACTIVE_STATUS_ID, UNAVAILABLE_STATUS_ID } from './domain/agent-status.js';
export { DEFAULT_SEED, SANDBOX_ADMIN_ID, SANDBOX_APP_ID, SANDBOX_TOKEN } from './domain/default-seed.js';
export { checkSeedFile, Sandbox, type SandboxOptions, type SeedFile } from './domain/sandbox.js';
export { SandboxError } from './domain/sandbox-error.js';
export { VirtualClock } from './domain/virtual-clock.js';
export { type DeliveryAttempt, RETRY_SCHEDULE_MINUTES, WebhookDispatcher } from './domain/webhook-dispatcher.js';
export { type ListeningMockServer, type ListenOptions, listen } from './listen.js';
export { createMockServer, type MockServer, type MockServerOptions } from './mock-server.js';
