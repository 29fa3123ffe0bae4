// botsky.tasks.decision (followed by every replica, from BOTSKY_WEB_REPLAY ago): matchmaker's
// decisions, kept per person for the consent page ("what BotSky holds about you"): the decisions
// about their posts, and the interests matchmaker had for them when it considered introducing
// them. An undecodable decision is counted.
import { decodeFollowed, type FollowHandler } from '@botsky/bus';
import { MatchDecisionSchema, MatchVerdict } from '@botsky/contracts';
import type { PersonDecisions } from '../live/decisions.ts';
import type { WebMetrics } from '../metrics.ts';

export function matchDecisionHandler(deps: { decisions: PersonDecisions; metrics: WebMetrics }): FollowHandler {
  return (msg, reader) => {
    const d = decodeFollowed(msg, MatchDecisionSchema, reader);
    if (!d?.authorDid || !d.postRef?.uri) {
      deps.metrics.events.inc({ kind: 'malformed' });
      return;
    }
    deps.decisions.add({
      decisionId: d.decisionId,
      authorDid: d.authorDid,
      postUri: d.postRef.uri,
      verdict: d.verdict === MatchVerdict.DISPATCHED ? 'dispatched' : 'skipped',
      reason: d.reason,
      botIds: [...d.botIds],
      introducedHandle: d.chosen?.handle || null,
      decidedAt: Number(d.decidedAtUs / 1000n),
      candidates: d.candidates.map((c) => ({ did: c.did, interests: [...c.interests] })),
      chosenDid: d.chosen?.did || null,
    });
  };
}
