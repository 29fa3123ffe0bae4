// Jittered exponential backoff, for the providers that retry by themselves (the gRPC bot; the
// OpenAI and Anthropic SDKs have their own). Same curve as those SDKs (0.5 s doubling, capped at
// 8 s) so every provider behaves alike, but with the delays settable so tests run quickly.
import { setTimeout as delay } from 'node:timers/promises';

export interface BackoffOptions {
  /** Delay before the first retry, before jitter. */
  baseDelayMs: number;
  /** Cap on any one delay, before jitter. */
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseDelayMs: 500, maxDelayMs: 8000 };

/**
 * The wait before retry number `retry` (0 for the first). Jitter takes off up to a quarter, at
 * random, so that many replicas failing together do not come back together.
 */
export function backoffDelay(retry: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const exponential = Math.min(opts.baseDelayMs * 2 ** retry, opts.maxDelayMs);
  return exponential * (1 - random() * 0.25);
}

/** Waits, unless the signal aborts first (then rejects with the signal's reason). */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal });
}
