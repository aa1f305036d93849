/**
 * How long an answer asks the caller to wait, from its `Retry-After` header in whole seconds (the form Freshchat
 * sends); `fallbackMs` when the header is missing or not a number of seconds.
 *
 * @example
 * retryAfterMs(new Response(null, { status: 429, headers: { 'Retry-After': '42' } }), 60_000); // 42_000
 */
export function retryAfterMs(response: Response, fallbackMs: number): number {
  const value = response.headers.get('Retry-After')?.trim();
  return value && /^\d+$/.test(value) ? Number(value) * 1000 : fallbackMs;
}
