import type { operations as FreshchatOperations } from '@freshchat-sandbox/openapi/types/freshchat';
import type { operations as ControlOperations } from '@freshchat-sandbox/openapi/types/mock-control';
import type { Account } from '../domain/accounts/account.js';
import type { Sandbox } from '../domain/sandbox.js';
import type { PublicOperationId, RouteOperationId } from '../generated/documents.js';

/** Every operation of both documents, by operationId, as openapi-typescript generated them. */
type Operations = FreshchatOperations & ControlOperations;
/** The operationId of any operation the server answers. */
export type OperationId = RouteOperationId;

type Params<Op extends OperationId> = Operations[Op]['parameters'];
type Defined<T> = [T] extends [never]
  ? Record<string, never>
  : [T] extends [undefined]
    ? Record<string, never>
    : NonNullable<T>;
type JsonOf<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type SuccessStatus = 200 | 201 | 202 | 204;

/** What a handler receives: the account, and its inputs already checked against the spec. */
export type OperationInput<Op extends OperationId> = {
  /** The authenticated account; none for the operations the spec leaves without security. */
  account: Op extends PublicOperationId ? undefined : Account;
  sandbox: Sandbox;
  path: Defined<Params<Op>['path']>;
  query: Defined<Params<Op>['query']>;
  body: Operations[Op] extends { requestBody?: infer R } ? JsonOf<NonNullable<R>> : undefined;
  /** The origin the request came to (`http://127.0.0.1:4010`), for absolute links. */
  origin: string;
  /** The request's `Authorization` header, if it has one (the storage stand-in refuses one). */
  authorization: string | undefined;
};

type Responses<Op extends OperationId> = Operations[Op]['responses'];

/**
 * What a handler answers: one of the operation's declared success statuses with a body of the declared schema
 * (a compile error otherwise), or a ready `Response` where the declared content is not JSON.
 */
export type OperationReply<Op extends OperationId> = {
  [S in keyof Responses<Op> & SuccessStatus]: Responses<Op>[S] extends { content: { 'application/json': unknown } }
    ? {
        status: S;
        body: JsonOf<Responses<Op>[S]>;
        headers?: Record<string, string>;
        /** `body` as JSON text, when the handler keeps the reply ready; otherwise `body` is serialized per request. */
        json?: string;
      }
    : Responses<Op>[S] extends { content: unknown }
      ? Response
      : { status: S };
}[keyof Responses<Op> & SuccessStatus];

/** The handler of one operation. Refusals are thrown as `DomainError` (or `RequestRefusal`). */
export type OperationHandler<Op extends OperationId> = (
  input: OperationInput<Op>,
) => OperationReply<Op> | Promise<OperationReply<Op>>;

/** Handlers for a set of operations. */
export type OperationHandlers<Ops extends OperationId> = { [Op in Ops]: OperationHandler<Op> };

/** Handlers for every operation of both documents: leaving one out is a compile error. */
export type AllOperationHandlers = OperationHandlers<OperationId>;
