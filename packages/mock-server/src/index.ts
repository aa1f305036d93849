export { DataDirError } from './adapters/data-dir-lock.js';
export type { AccountLimits } from './domain/accounts/account.js';
export { DEFAULT_SEED, SANDBOX_ADMIN_ID, SANDBOX_APP_ID, SANDBOX_TOKEN } from './domain/accounts/default-seed.js';
export type { BuiltInStatusIds } from './domain/agents/agent-status.js';
export { VirtualClock } from './domain/clock/virtual-clock.js';
export { DomainError, type DomainErrorKind } from './domain/domain-error.js';
export type { EventBatch, EventSink, EventStore } from './domain/events/event-sink.js';
export type { SandboxEvent } from './domain/events/sandbox-event.js';
export { Sandbox } from './domain/sandbox.js';
export type { SandboxLimits, SandboxOptions } from './domain/sandbox-options.js';
export { type AccountSeed, checkSeedFile, type SeedFile } from './domain/seed-file.js';
export type { DeliveryLimits } from './domain/webhooks/delivery-queue.js';
export {
  type DeliveryAttempt,
  RETRY_SCHEDULE_MINUTES,
  type WebhookDispatcher,
} from './domain/webhooks/webhook-dispatcher.js';
export { type DurableMockServerOptions, openDurableMockServer } from './durable-mock-server.js';
export { hostRefusal, isAllowedHost } from './http/host-check.js';
export { type ListeningMockServer, type ListenOptions, listen, type RequestLogEntry } from './listen.js';
export { createMockServer, type MockServer, type MockServerOptions } from './mock-server.js';
export type { SandboxSettings } from './options.js';
