/**
 * Runs long work given as steps (a generator), one step per turn of the event loop: between two steps, the
 * requests that arrived meanwhile are read and answered. Resolves with what the last step returns.
 *
 * @example
 * const made = await inTurns(simulateHistorySteps(sandbox, account, request));
 */
export async function inTurns<T>(steps: Generator<void, T>): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
