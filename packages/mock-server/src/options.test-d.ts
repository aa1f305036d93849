import { describe, expectTypeOf, test } from 'vitest';
import type { SandboxLimits } from './domain/sandbox-options.js';
import type { SeedFile } from './domain/seed-file.js';
import type { DurableMockServerOptions } from './durable-mock-server.js';
import type { ListenOptions, RequestLogEntry } from './listen.js';
import type { MockServerOptions } from './mock-server.js';
import type { SandboxSettings } from './options.js';

describe('SandboxSettings, derived from OPTION_TABLE', () => {
  test('types each setting by its row', () => {
    expectTypeOf<SandboxSettings['port']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<SandboxSettings['host']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<SandboxSettings['seed']>().toEqualTypeOf<SeedFile | undefined>();
    expectTypeOf<SandboxSettings['limits']>().toEqualTypeOf<Partial<SandboxLimits> | undefined>();
    expectTypeOf<SandboxSettings['fsync']>().toEqualTypeOf<'always' | 'never' | undefined>();
    expectTypeOf<SandboxSettings['logFormat']>().toEqualTypeOf<'text' | 'json' | undefined>();
    expectTypeOf<SandboxSettings['clockStart']>().toEqualTypeOf<Date | string | undefined>();
    expectTypeOf<SandboxSettings['cors']>().toEqualTypeOf<boolean | undefined>();
  });

  test('each layer takes its settings from it rather than declaring them again', () => {
    for (const name of [
      'seed',
      'reportDelaySeconds',
      'limits',
      'idSeed',
      'frozenClock',
      'clockStart',
      'cors',
    ] as const) {
      expectTypeOf<MockServerOptions[typeof name]>().toEqualTypeOf<SandboxSettings[typeof name]>();
    }
    expectTypeOf<DurableMockServerOptions['fsync']>().toEqualTypeOf<SandboxSettings['fsync']>();
    expectTypeOf<DurableMockServerOptions['compactAt']>().toEqualTypeOf<SandboxSettings['compactAt']>();
    expectTypeOf<ListenOptions['port']>().toEqualTypeOf<SandboxSettings['port']>();
    expectTypeOf<ListenOptions['dataDir']>().toEqualTypeOf<SandboxSettings['dataDir']>();
  });

  test('the layers accept what they accepted before', () => {
    const listen: ListenOptions = {
      port: 0,
      host: '127.0.0.1',
      seed: { accounts: [{ token: 'a-long-token' }] },
      reportDelaySeconds: 5,
      limits: { requestsPerMinute: 10, reportsPerMinute: 2 },
      clockStart: new Date(0),
      dataDir: undefined,
      fsync: 'always',
      compactAt: 1024,
      repair: true,
      onWarning: (message: string) => void message,
      // A callback written for the entry's first four fields still fits.
      onRequest: ({ method, path, status, ms }: { method: string; path: string; status: number; ms: number }) =>
        void [method, path, status, ms],
    };
    expectTypeOf(listen).toExtend<ListenOptions>();
    expectTypeOf<RequestLogEntry['error']>().toEqualTypeOf<{ code: string; message: string } | undefined>();
    // @ts-expect-error the command line's log format is not a listen() option
    const notAnOption: ListenOptions = { logFormat: 'json' };
    void notAnOption;
  });
});
