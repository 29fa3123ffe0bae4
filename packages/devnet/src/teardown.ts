/**
 * Stop steps run one after another and every step runs even when an earlier one fails: a PDS that
 * fails to close must not leave the PLC listening or the data dir behind.
 */
export async function runAll(steps: ReadonlyArray<() => Promise<void>>): Promise<unknown[]> {
  const errors: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      errors.push(err);
    }
  }
  return errors;
}

/** Like runAll, but throws the failure (or an AggregateError of several). */
export async function runAllOrThrow(steps: ReadonlyArray<() => Promise<void>>): Promise<void> {
  const errors = await runAll(steps);
  if (errors.length > 0) throw combine(errors);
}

export function combine(errors: readonly unknown[]): unknown {
  return errors.length === 1 ? errors[0] : new AggregateError(errors, 'several failures');
}
