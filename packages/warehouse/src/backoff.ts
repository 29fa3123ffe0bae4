// Exponential backoff with jitter: the cap doubles per attempt up to maxMs, and the delay is
// drawn from the upper half of it, so writers that failed together do not retry together, yet
// no retry comes back almost at once.

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/** Delay before retry number `attempt` (1 for the first retry). */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const cap = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
