import { describe, expect, it, vi } from 'vitest';
import { tooManyRequests } from '../domain/accounts/rate-window.js';
import { DomainError, type DomainErrorKind } from '../domain/domain-error.js';
import { errorAnswer, RequestRefusal } from './answer.js';

describe('errorAnswer', () => {
  it.each([
    ['invalid', 400],
    ['unauthorized', 401],
    ['forbidden', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['unavailable', 503],
    ['storage_unavailable', 503],
  ] as [DomainErrorKind, number][])('answers a domain error of kind %s with %i in Freshchat’s body', (kind, status) => {
    expect(errorAnswer(new DomainError(kind, 'SOME_CODE', 'field: why'))).toEqual({
      status,
      body: { code: status, status: 'SOME_CODE', message: 'field: why' },
      headers: {},
      refused: true,
    });
  });

  it.each([
    ['method_not_allowed', 405],
    ['too_large', 413],
    ['unsupported_media_type', 415],
  ] as const)('answers a request refusal of kind %s with %i', (kind, status) => {
    expect(errorAnswer(new RequestRefusal(kind, 'SOME_CODE', 'body: why'))).toMatchObject({
      status,
      body: { code: status, status: 'SOME_CODE', message: 'body: why' },
      headers: {},
    });
  });

  it('answers rate_limited with 429, Retry-After and the refusing window’s X-RateLimit-*', () => {
    const error = tooManyRequests({ limit: 1, remaining: 0, resetAt: 1_700_000_060_500 }, 60, 'one per minute');
    expect(errorAnswer(error)).toEqual({
      status: 429,
      body: { code: 429, status: 'TOO_MANY_REQUESTS', message: 'one per minute; retry after 60 seconds' },
      headers: {
        'retry-after': '60',
        'x-ratelimit-limit': '1',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': '1700000061',
      },
      refused: true,
    });
  });

  it('answers anything else as the sandbox’s own bug: 500, logged', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(errorAnswer(new TypeError('x is undefined'))).toEqual({
      status: 500,
      body: { code: 500, status: 'INTERNAL_ERROR', message: 'internal error: x is undefined' },
      headers: {},
      refused: false,
    });
    expect(log).toHaveBeenCalledOnce();
    log.mockRestore();
  });
});
