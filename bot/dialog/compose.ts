/** One step of a turn: it may act, then call `next()` for the rest of the pipeline, or stop by not calling it. */
export type TurnStep<C> = (ctx: C, next: () => Promise<void>) => Promise<void>;

/**
 * Composes steps into one, in order, as grammY's Composer does with middleware: code after `await next()` runs once
 * every later step has finished (e.g. saving the state the handler chose).
 */
export function compose<C>(...steps: ReadonlyArray<TurnStep<C>>): (ctx: C) => Promise<void> {
  return (ctx) => {
    const run = async (i: number): Promise<void> => {
      const step = steps[i];
      if (!step) return;
      let called = false;
      await step(ctx, () => {
        if (called) throw new Error(`step ${i} called next() twice`);
        called = true;
        return run(i + 1);
      });
    };
    return run(0);
  };
}
