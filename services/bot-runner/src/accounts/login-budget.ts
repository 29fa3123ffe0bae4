// Logins are the scarcest thing a bot account has (createSession: 30 per 5 minutes, 300 a day,
// and a locked-out account cannot post at all). Every replica logs each bot in once at start-up,
// so scaling up, a rollout or a crash loop is what spends them: each login first takes a point
// from the account's login budget, shared by every replica through KV (SharedBudget's
// compare-and-set), and a replica with none left waits for one instead of being refused.
import { setTimeout as sleep } from 'node:timers/promises';
import type { SharedBudget } from '../budget/shared.ts';

// Looked at again at least this often while waiting, so a stop is not held up for long.
const MAX_WAIT_STEP_MS = 60_000;

/**
 * Resolves once a login of `account` is within the budget (and counted in it). Calls `onWait`
 * with the wait before each one; rejects (an AbortError) when the signal is aborted.
 */
export async function takeLogin(
  budget: SharedBudget,
  account: string,
  signal: AbortSignal,
  onWait: (waitMs: number) => void = () => {},
): Promise<void> {
  for (;;) {
    signal.throwIfAborted();
    const grant = await budget.reserve(account, 1);
    if (grant.ok) return;
    onWait(grant.retryAfterMs);
    await sleep(Math.min(Math.max(grant.retryAfterMs, 100), MAX_WAIT_STEP_MS), undefined, { signal });
  }
}
