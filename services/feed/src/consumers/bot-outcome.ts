// botsky.outcomes.reply (followed by every replica, from the window's start): every posted bot
// reply becomes a feed candidate. Failed outcomes carry no reply and are skipped; a payload that
// cannot be decoded is counted and thrown (the bus logs it and moves on; nothing is retried).
import { PoisonMessageError, type BusMessage, type Disposition } from '@botsky/bus';
import { BotOutcomeSchema, decode, DecodeError, OutcomeStatus, type BotOutcome } from '@botsky/contracts';
import type { CandidateStore } from '../candidates/store.ts';
import type { FeedMetrics } from '../metrics.ts';

export interface BotOutcomeDeps {
  store: CandidateStore;
  metrics: FeedMetrics;
}

export function botOutcomeHandler(deps: BotOutcomeDeps): (msg: BusMessage) => Promise<Disposition | void> {
  return async (msg) => {
    const outcome = decodeOutcome(msg, deps.metrics);
    const result = apply(outcome, deps.store);
    deps.metrics.outcomes.inc({ result });
    deps.metrics.candidates.set(deps.store.size);
  };
}

function decodeOutcome(msg: BusMessage, metrics: FeedMetrics): BotOutcome {
  try {
    return decode(BotOutcomeSchema, msg.data);
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    metrics.outcomes.inc({ result: 'malformed' });
    throw new PoisonMessageError(`outcome seq ${msg.seq}: ${err.message}`, { cause: err });
  }
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
