// Rewriting one stored decision without the words of people and posts gone: used by the consumer
// group's scrub of the whole bucket (network-delete.ts), and by each replica for the decisions it
// stored around a deletion (network-post.ts, network-forget.ts; state/recent-deletions.ts).
import type { MatchmakerContext } from '../context.ts';
import { decisionInvolves, scrubbedDecision, type Gone } from '../state/decision-scrub.ts';
import { forgottenCounter } from './forget-rules.ts';

/** Rewrites one stored decision without the words of everyone in `gone` it involves. */
export async function scrubDecision(ctx: MatchmakerContext, id: string, gone: readonly Gone[]): Promise<void> {
  let stored = await ctx.decisions.get(id).catch(() => undefined);
  let changed = false;
  for (const g of gone) {
    const clean = stored && decisionInvolves(stored, g.did) ? scrubbedDecision(stored, g) : undefined;
    if (!clean) continue;
    stored = clean;
    changed = true;
  }
  if (!changed || !stored) return;
  await ctx.decisions.replace(id, stored);
  forgottenCounter(ctx.metrics).inc({ what: 'decision' });
}
