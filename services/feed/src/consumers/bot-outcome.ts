// botsky.outcomes.reply (followed by every replica, from the window's start): every posted bot
// reply becomes a feed candidate. Failed outcomes carry no reply and are skipped; a payload that
// cannot be decoded is counted as malformed and skipped (the bus logs and counts it too; nothing
// is retried, and scoring's consumer group dead-letters it).
import { decodeFollowed, type FollowHandler } from '@botsky/bus';
import { BotOutcomeSchema, OutcomeStatus, type BotOutcome } from '@botsky/contracts';
import type { CandidateStore } from '../candidates/store.ts';
import type { FeedMetrics } from '../metrics.ts';

export interface BotOutcomeDeps {
  store: CandidateStore;
  metrics: FeedMetrics;
}

export function botOutcomeHandler(deps: BotOutcomeDeps): FollowHandler {
  return (msg, reader) => {
    const outcome = decodeFollowed(msg, BotOutcomeSchema, reader);
    const result = outcome ? apply(outcome, deps.store) : 'malformed';
    deps.metrics.outcomes.inc({ result });
    deps.metrics.candidates.set(deps.store.size);
  };
}

/** What became of the outcome: added, duplicate (already a candidate), old, or skipped (not a reply). */
function apply(o: BotOutcome, store: CandidateStore): 'added' | 'duplicate' | 'old' | 'skipped' {
  const uri = o.reply?.uri ?? '';
  if (o.status !== OutcomeStatus.REPLIED || !uri.startsWith('at://') || !o.botId) return 'skipped';
  if (store.get(uri)) return 'duplicate';
  const createdAtMs = o.finishedAtUs > 0n ? Number(o.finishedAtUs / 1000n) : Date.now();
  const added = store.add({ uri, botId: o.botId, createdAtMs, authorDid: o.authorDid, mentionDid: o.mentionDid });
  return added ? 'added' : 'old';
}
