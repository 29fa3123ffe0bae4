// What the deletion consumers share: which account events end an account's texts, and the counter
// of what deletions took from matchmaker's state (network-forget.ts, network-delete.ts,
// scrub-decision.ts).
import { AccountStatus, type Account } from '@botsky/contracts';
import type { Counter, Metrics } from '@botsky/kit';

export type Forgotten = Counter<'what'>;

/** Whether an account event ends its texts: the rule of scoring's purge (accountTextsGone). */
export function accountTextsGone(a: Account): boolean {
  return !a.active && a.status !== AccountStatus.DESYNCHRONIZED && a.status !== AccountStatus.THROTTLED;
}

export function forgottenCounter(metrics: Metrics): Forgotten {
  return metrics.counter({
    name: 'botsky_matchmaker_forgotten_total',
    help: "What deletions took from matchmaker's state (post_text, profile_terms, liker_terms, profile, person, decision; nothing when it held none)",
    labelNames: ['what'],
  });
}
