import type { Context } from 'hono';
import type { Account } from '../../domain/accounts/account.js';
import type { Sandbox } from '../../domain/sandbox.js';
import type { OperationHandler, OperationId } from '../operation-types.js';
import type { Call } from './call.js';
import { header } from './incoming.js';

/** What a handler answers: a reply, or a promise of one. */
export type HandlerResult = ReturnType<OperationHandler<OperationId>>;

/** Runs the operation's typed handler on the checked inputs of the call. Errors are thrown as the handler threw them. */
export function handle(call: Call, body: unknown): HandlerResult {
  const { handler, ctx } = call.plan;
  return handler(new HandlerInput(call.account, ctx.sandbox, call.path, call.query, body, call.c) as never);
}

/**
 * What a handler receives. A class with `origin` on its prototype, not an object literal with a getter: a getter
 * closed over the request kept every request's objects alive past young-generation collections (bench/NOTES.md).
 */
class HandlerInput {
  readonly #c: Context;

  constructor(
    readonly account: Account | undefined,
    readonly sandbox: Sandbox,
    readonly path: unknown,
    readonly query: unknown,
    readonly body: unknown,
    c: Context,
  ) {
    this.#c = c;
  }

  /** The origin the request came to, worked out only by the handlers that make absolute links. */
  get origin(): string {
    return new URL(this.#c.req.url).origin;
  }

  /** The request's `Authorization` header, read only by the handlers that look at it. */
  get authorization(): string | undefined {
    return header(this.#c, 'authorization');
  }
}
