/**
 * Type-level compatibility of two versions of freshchat.yaml, as openapi-typescript generates them: the TypeScript
 * compiler is the diff tool. A change breaks existing consumers when an old request no longer fits the new
 * operation (a new required input, a narrowed input enum), or a new answer no longer fits the old type (a removed
 * or newly optional field, a new value in an answer's enum, a changed type). Webhook payloads are answers too.
 */

/** Every property made required, all the way down: so a removed optional field shows as a missing one. */
export type Exhaustive<T> = T extends readonly (infer E)[]
  ? Exhaustive<E>[]
  : T extends object
    ? { [K in keyof T]-?: Exhaustive<T[K]> }
    : T;

/** What a consumer sends: the parameters and the request body. */
type RequestOf<Op> = Pick<Op, Extract<keyof Op, 'parameters' | 'requestBody'>>;

/** `[A]` fits `[B]`: assignability without distributing over unions. */
type Fits<A, B> = [A] extends [B] ? true : false;

/** An answer that fits the old one, and still has every field the old one had. */
type AnswerFits<New, Old> = Fits<New, Old> extends true ? Fits<Exhaustive<New>, Exhaustive<Old>> : false;

type ResponsesOf<Op> = Op extends { responses: infer R } ? R : never;

/** `"<operation> <status> answer"` for every status of the old operation whose new answer does not fit the old. */
type BrokenAnswers<Name extends string, Old, New> = {
  [S in keyof Old & keyof New]: AnswerFits<New[S], Old[S]> extends true
    ? never
    : `${Name} ${S & (string | number)} answer`;
}[keyof Old & keyof New];

/**
 * The breaking changes from `OldOps` to `NewOps` (the `operations` of two generated files), as a union of
 * descriptions such as `"getAgent 200 answer"` or `"listAgents request"`; `never` when the new version is
 * compatible.
 *
 * @example
 * import type { operations as Baseline } from './generated/baseline.js';
 * import type { operations as Current } from '@freshchat-sandbox/openapi/types/freshchat';
 * expectTypeOf<BreakingOperationChanges<Baseline, Current>>().toEqualTypeOf<never>();
 */
export type BreakingOperationChanges<OldOps, NewOps> = {
  [K in keyof OldOps & string]: K extends keyof NewOps
    ?
        | (Fits<RequestOf<OldOps[K]>, RequestOf<NewOps[K]>> extends true ? never : `${K} request`)
        | BrokenAnswers<K, ResponsesOf<OldOps[K]>, ResponsesOf<NewOps[K]>>
    : `${K} removed`;
}[keyof OldOps & string];

type PayloadOf<Hook> = Hook extends { post: { requestBody?: infer B } } ? B : never;

/**
 * The breaking changes of the webhook payloads (what a receiver gets) from `OldHooks` to `NewHooks`: a payload of
 * the new version must fit what a receiver of the old version expects.
 */
export type BreakingWebhookChanges<OldHooks, NewHooks> = {
  [K in keyof OldHooks & string]: K extends keyof NewHooks
    ? AnswerFits<PayloadOf<NewHooks[K]>, PayloadOf<OldHooks[K]>> extends true
      ? never
      : `${K} webhook payload`
    : `${K} webhook removed`;
}[keyof OldHooks & string];
