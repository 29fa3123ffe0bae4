// The one retry curve: the delay doubles per attempt from initialMs up to maxMs, and a share of
// it (`jitter`) is taken off at random, so that processes that failed together do not retry
// together. Every retry loop in BotSky (bus readers, warehouse writers, ingest, providers) uses it.

export interface Backoff {
  /** The delay before the first retry, before jitter. */
  initialMs: number;
  /** The cap on any one delay, before jitter. */
  maxMs: number;
  /** The largest share of the delay taken off at random: 0 for none, up to 1; 0.5 unless told. */
  jitter?: number;
}

/** Doublings past which the cap always applies (2 ** 40 ms is decades), so no attempt count overflows. */
const MAX_DOUBLINGS = 40;

/**
 * The wait before retry number `attempt` (1 for the first): min(maxMs, initialMs · 2^(attempt − 1)),
 * less up to `jitter` of it. `random` of 1 takes nothing off, 0 the whole share.
 */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const doublings = Math.min(MAX_DOUBLINGS, Math.max(0, Math.floor(attempt) - 1));
  const cap = Math.min(backoff.maxMs, backoff.initialMs * 2 ** doublings);
  const jitter = Math.min(1, Math.max(0, backoff.jitter ?? 0.5));
  return cap * (1 - jitter + jitter * random());
}
