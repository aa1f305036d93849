import { describe, expect, it } from 'vitest';
import { environmentName, OptionError, readCommandLine, usage } from './command-line.js';
import { OPTION_TABLE } from './options.js';

/** The settings `argv` and `env` give, failing the test on help, version or a refusal. */
function settings(argv: string[], env: Record<string, string> = {}) {
  const read = readCommandLine(argv, env);
  if (read.show !== 'sandbox') throw new Error(`expected settings, got ${read.show}`);
  return read.settings;
}

/** The message `argv` and `env` are refused with. */
function refusal(argv: string[], env: Record<string, string> = {}): string {
  try {
    readCommandLine(argv, env);
  } catch (error) {
    if (error instanceof OptionError) return error.message;
    throw error;
  }
  throw new Error('not refused');
}

describe('readCommandLine', () => {
  it('fills every default from the table', () => {
    expect(settings([])).toEqual({
      port: 4010,
      host: '127.0.0.1',
      reportDelaySeconds: 30,
      limits: { requestsPerMinute: 5000 },
      cors: false,
      compactAt: 16 * 1024 * 1024,
      fsync: 'never',
      repair: false,
      frozenClock: false,
      logFormat: 'text',
      quiet: false,
    });
  });

  it('reads each flag into its setting', () => {
    expect(
      settings([
        '--port=0',
        '--host',
        '::1',
        '--seed',
        'seed.yaml',
        '--report-delay',
        '5',
        '--rate-limit',
        '7',
        '--cors',
        '--fsync',
        'always',
        '--clock-start',
        '2030-01-01T09:00:00Z',
        '--id-seed=-42',
        '--log-format',
        'json',
      ]),
    ).toMatchObject({
      port: 0,
      host: '::1',
      seed: 'seed.yaml',
      reportDelaySeconds: 5,
      limits: { requestsPerMinute: 7 },
      cors: true,
      fsync: 'always',
      clockStart: '2030-01-01T09:00:00Z',
      idSeed: -42,
      logFormat: 'json',
    });
  });

  it('reads FRESHCHAT_SANDBOX_<FLAG> for every flag not given, and the flag wins', () => {
    const env = {
      FRESHCHAT_SANDBOX_PORT: '4999',
      FRESHCHAT_SANDBOX_REPORT_DELAY: '5',
      FRESHCHAT_SANDBOX_CORS: 'true',
      FRESHCHAT_SANDBOX_FROZEN_CLOCK: '1',
      FRESHCHAT_SANDBOX_QUIET: 'no',
      FRESHCHAT_SANDBOX_LOG_FORMAT: 'json',
      FRESHCHAT_SANDBOX_RATE_LIMIT: '9',
    };
    expect(settings([], env)).toMatchObject({
      port: 4999,
      reportDelaySeconds: 5,
      cors: true,
      frozenClock: true,
      quiet: false,
      logFormat: 'json',
      limits: { requestsPerMinute: 9 },
    });
    expect(settings(['--port', '1234', '--report-delay', '0'], env)).toMatchObject({
      port: 1234,
      reportDelaySeconds: 0,
    });
  });

  it('reads --allowed-host repeated or as a comma list, and its variable as a comma list', () => {
    expect(settings(['--allowed-host', 'a.test', '--allowed-host', 'b.test, .c.test'])).toMatchObject({
      allowedHosts: ['a.test', 'b.test', '.c.test'],
    });
    expect(settings([], { FRESHCHAT_SANDBOX_ALLOWED_HOST: 'x.test,y.test' })).toMatchObject({
      allowedHosts: ['x.test', 'y.test'],
    });
    expect(() => settings(['--allowed-host', ' , '])).toThrow('--allowed-host must name at least one host');
  });

  it('keeps PORT and HOST, after their FRESHCHAT_SANDBOX_ names', () => {
    expect(settings([], { PORT: '5000', HOST: '0.0.0.0' })).toMatchObject({ port: 5000, host: '0.0.0.0' });
    expect(settings([], { PORT: '5000', FRESHCHAT_SANDBOX_PORT: '6000' })).toMatchObject({ port: 6000 });
    // An empty variable is as if unset, as a shell's `PORT= cmd` means.
    expect(settings([], { PORT: '' })).toMatchObject({ port: 4010 });
  });

  it.each([
    [['--port', '70000'], {}, '--port must be an integer from 0 to 65535, not "70000"'],
    [['--port=-1'], {}, '--port must be an integer from 0 to 65535, not "-1"'],
    [['--port', '0x10'], {}, '--port must be an integer from 0 to 65535, not "0x10"'],
    [['--report-delay', '1.5'], {}, '--report-delay must be an integer from 0 to 315576000, not "1.5"'],
    [['--rate-limit', '0'], {}, '--rate-limit must be an integer from 1 to 1000000000, not "0"'],
    [['--compact-at', '0'], {}, '--compact-at must be an integer >= 1, not "0"'],
    [['--id-seed', '1e99'], {}, '--id-seed must be an integer, not "1e99"'],
    [['--id-seed', '9007199254740992'], {}, '--id-seed must be an integer, not "9007199254740992"'],
    [['--fsync', 'sometimes'], {}, '--fsync must be "always" or "never", not "sometimes"'],
    [['--log-format', 'xml'], {}, '--log-format must be "text" or "json", not "xml"'],
    [
      ['--clock-start', 'yesterday'],
      {},
      '--clock-start must be an ISO-8601 date-time such as 2030-01-01T09:00:00Z, not "yesterday"',
    ],
    [[], { PORT: '99999' }, 'PORT must be an integer from 0 to 65535, not "99999"'],
    [
      [],
      { FRESHCHAT_SANDBOX_RATE_LIMIT: 'lots' },
      'FRESHCHAT_SANDBOX_RATE_LIMIT must be an integer from 1 to 1000000000, not "lots"',
    ],
    [[], { FRESHCHAT_SANDBOX_CORS: 'maybe' }, 'FRESHCHAT_SANDBOX_CORS must be true or false, not "maybe"'],
    [['--bogus'], {}, "Unknown option '--bogus' (see --help)"],
  ])('%j %j is refused on one line', (argv, env, message) => {
    expect(refusal(argv, env)).toBe(message);
  });

  it('reads the flags after the leading -- that `npm start --` and `pnpm start --` pass, and only a leading one', () => {
    expect(settings(['--', '--port', '4790']).port).toBe(4790);
    expect(refusal(['--port', '4790', '--', '--quiet'])).toMatch(/Unexpected argument '--quiet'/);
  });

  it('answers -h, --help, -v and --version before reading any setting', () => {
    expect(readCommandLine(['-h'], {})).toEqual({ show: 'help' });
    expect(readCommandLine(['--help', '--port', '70000'], {})).toEqual({ show: 'help' });
    expect(readCommandLine(['-v'], {})).toEqual({ show: 'version' });
    expect(readCommandLine(['--version'], { PORT: 'x' })).toEqual({ show: 'version' });
  });
});

describe('usage', () => {
  it('shows every row of the table with its default and range', () => {
    const text = usage();
    for (const row of Object.values(OPTION_TABLE)) expect(text).toContain(`--${row.flag}`);
    expect(text).toMatch(/--port <n> +port to listen on; 0 picks a free one \(0 to 65535; default 4010; also PORT\)/);
    expect(text).toMatch(/--fsync <always\|never> +with --data-dir/);
    expect(text).toContain('-v, --version');
    expect(text.split('\n').every((line) => line.length <= 110)).toBe(true);
  });
});

describe('environmentName', () => {
  it('is the flag in upper snake case after FRESHCHAT_SANDBOX_', () => {
    expect(environmentName('report-delay')).toBe('FRESHCHAT_SANDBOX_REPORT_DELAY');
    expect(environmentName('cors')).toBe('FRESHCHAT_SANDBOX_CORS');
  });
});
