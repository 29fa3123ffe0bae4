// What a reply cost. Providers quote prices per million tokens, separately for input (the prompt)
// and output (the reply); the registry records each bot's price so the leaderboard can show cost
// next to quality.
import type { ReplyResult } from './types.ts';

export interface Price {
  /** USD per million input (prompt) tokens. */
  inputPerMillion: number;
  /** USD per million output (completion) tokens. */
  outputPerMillion: number;
}

export class PriceError extends Error {
  override readonly name = 'PriceError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Cost in USD of a call with these token counts at this price. */
export function cost(tokensIn: number, tokensOut: number, price: Price): number {
  for (const [what, n] of [
    ['tokensIn', tokensIn],
    ['tokensOut', tokensOut],
    ['inputPerMillion', price.inputPerMillion],
    ['outputPerMillion', price.outputPerMillion],
  ] as const) {
    if (!Number.isFinite(n) || n < 0) throw new PriceError(`${what} must be a non-negative number, got ${n}`);
  }
  return (tokensIn * price.inputPerMillion + tokensOut * price.outputPerMillion) / 1_000_000;
}

/**
 * A reply's cost: what the provider said it cost (an external bot may know), else the tokens at
 * the registry's price, else undefined (unknown, which is not the same as free).
 */
export function replyCost(result: ReplyResult, price: Price | undefined): number | undefined {
  if (result.costUsd !== undefined) return result.costUsd;
  return price ? cost(result.tokensIn, result.tokensOut, price) : undefined;
}
