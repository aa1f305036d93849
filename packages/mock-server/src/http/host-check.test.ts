import { describe, expect, it } from 'vitest';
import { hostRefusal, isAllowedHost } from './host-check.js';

describe('isAllowedHost', () => {
  it.each([
    ['127.0.0.1:4010', []],
    ['[::1]:4010', []],
    ['10.1.2.3', []],
    ['localhost:4010', []],
    ['LOCALHOST.', []],
    ['board.localhost:5173', []],
    ['sandbox.ci:4010', ['sandbox.ci']],
    ['Sandbox.CI', ['sandbox.ci:9999']],
    ['a.b.ci', ['.ci']],
    ['ci', ['.ci']],
    [undefined, []],
  ] as const)('answers %s (allowed: %j)', (host, allowed) => {
    expect(isAllowedHost(host, allowed)).toBe(true);
  });

  it.each([
    ['attacker.example', ['127.0.0.1']],
    ['attacker.example:4010', ['sandbox.ci', '.ci']],
    ['localhost.attacker.example', []],
    ['notci', ['.ci']],
    ['sandbox.ci.attacker.example', ['sandbox.ci']],
  ] as const)('refuses %s (allowed: %j)', (host, allowed) => {
    expect(isAllowedHost(host, allowed)).toBe(false);
  });
});

describe('hostRefusal', () => {
  it('is a 403 in the error shape naming the host and the setting that allows it', async () => {
    const answer = hostRefusal('Attacker.Example:4010');
    expect(answer.status).toBe(403);
    expect(await answer.json()).toEqual({
      code: 403,
      status: 'HOST_NOT_ALLOWED',
      message:
        'Host: "attacker.example" is not an address of this server; to answer it, start it with --allowed-host attacker.example',
    });
  });
});
