// Writes what people decided in a tick: one applyWrites per person, people in parallel. A failed
// batch goes back on the person's queue for the next tick (three tries), so a PDS hiccup delays
// writes rather than losing them; what still fails is counted as dropped.
import { topicsOf } from '../vocabulary.ts';
import { mapBounded } from '@botsky/async';
import { SimulationError } from './errors.ts';
import type { PersonState, RecentPost, WriteTag } from './state.ts';
import { applyPlanned, type WriteResult } from './writes.ts';

export interface SimulationStats {
  accounts: number;
  /** Records written while setting up (profiles, follows). */
  setupWrites: number;
  posts: number;
  /** People answering each other's posts. */
  conversationReplies: number;
  /** Replies to a bot post that answered the person. */
  botReplies: number;
  /** Replies by a person a bot mentioned. */
  mentionsAnswered: number;
  likes: number;
  blocks: number;
  stops: number;
  feedReads: number;
  feedLikes: number;
  feedReplies: number;
  botPostsSeen: number;
  /** Records written during ticks, and the applyWrites calls that carried them. */
  writes: number;
  batches: number;
  writesRetried: number;
  writesDropped: number;
  errors: number;
}

export function emptyStats(): SimulationStats {
  return {
    accounts: 0,
    setupWrites: 0,
    posts: 0,
    conversationReplies: 0,
    botReplies: 0,
    mentionsAnswered: 0,
    likes: 0,
    blocks: 0,
    stops: 0,
    feedReads: 0,
    feedLikes: 0,
    feedReplies: 0,
    botPostsSeen: 0,
    writes: 0,
    batches: 0,
    writesRetried: 0,
    writesDropped: 0,
    errors: 0,
  };
}

const COUNTER: Record<WriteTag, keyof SimulationStats> = {
  post: 'posts',
  conversation: 'conversationReplies',
  'bot-reply': 'botReplies',
  'mention-reply': 'mentionsAnswered',
  stop: 'stops',
  like: 'likes',
  block: 'blocks',
  'feed-like': 'feedLikes',
  'feed-reply': 'feedReplies',
  setup: 'setupWrites',
};

const MAX_ATTEMPTS = 3;

export interface FlushOptions {
  concurrency: number;
  onError: (err: SimulationError) => void;
  onWritten?: (records: readonly WriteResult[]) => void;
}

/** Returns the people's new posts (for others to answer), in person order. */
export async function flushWrites(states: readonly PersonState[], stats: SimulationStats, o: FlushOptions): Promise<RecentPost[]> {
  const busy = states.filter((s) => s.account && s.queue.length > 0);
  const posted = await mapBounded(busy, o.concurrency, async (s) => {
    const batch = s.queue.splice(0);
    try {
      const results = await applyPlanned(
        s.account!,
        batch.map((q) => q.write),
        new Date(),
      );
      o.onWritten?.(results);
      stats.batches++;
      stats.writes += batch.length;
      const mine: RecentPost[] = [];
      batch.forEach((q, i) => {
        stats[COUNTER[q.tag]]++;
        const ref = results[i];
        if (!ref || (q.tag !== 'post' && q.tag !== 'conversation')) return;
        const root = q.write.kind === 'reply' ? q.write.root : ref;
        const text = q.write.kind === 'post' || q.write.kind === 'reply' ? q.write.text : '';
        mine.push({ ref, root, author: s.person.index, topics: topicsOf(text) });
      });
      return mine;
    } catch (err) {
      const again = batch.filter((q) => q.attempts + 1 < MAX_ATTEMPTS).map((q) => ({ ...q, attempts: q.attempts + 1 }));
      stats.writesRetried += again.length;
      stats.writesDropped += batch.length - again.length;
      s.queue.unshift(...again);
      o.onError(err instanceof SimulationError ? err : new SimulationError(`writes for ${s.handle} failed`, { cause: err }));
      return [];
    }
  });
  return posted.flat();
}
