// Turns what a person decided to do into records, and writes all of one person's records of a
// tick in one com.atproto.repo.applyWrites call (the PDS takes up to 200 per call), which is what
// lets a population of thousands run on one PDS.
import type { SimAccount } from './accounts.ts';
import { SimulationError } from './errors.ts';

export interface StrongRef {
  uri: string;
  cid: string;
}

export type PlannedWrite =
  | { kind: 'post'; text: string }
  | { kind: 'reply'; text: string; parent: StrongRef; root: StrongRef }
  | { kind: 'like'; subject: StrongRef }
  | { kind: 'block'; subject: string }
  | { kind: 'follow'; subject: string }
  | { kind: 'profile'; displayName: string; description: string };

export interface WriteResult {
  uri: string;
  cid: string;
}

const MAX_BATCH = 200;

const COLLECTION: Record<PlannedWrite['kind'], string> = {
  post: 'app.bsky.feed.post',
  reply: 'app.bsky.feed.post',
  like: 'app.bsky.feed.like',
  block: 'app.bsky.graph.block',
  follow: 'app.bsky.graph.follow',
  profile: 'app.bsky.actor.profile',
};

export function recordOf(w: PlannedWrite, createdAt: string): Record<string, unknown> {
  const $type = COLLECTION[w.kind];
  switch (w.kind) {
    case 'post':
      return { $type, text: w.text, langs: ['en'], createdAt };
    case 'reply':
      return { $type, text: w.text, langs: ['en'], reply: { root: w.root, parent: w.parent }, createdAt };
    case 'like':
      return { $type, subject: w.subject, createdAt };
    case 'block':
    case 'follow':
      return { $type, subject: w.subject, createdAt };
    case 'profile':
      return { $type, displayName: w.displayName, description: w.description };
  }
}

function toCreate(w: PlannedWrite, createdAt: string) {
  return {
    $type: 'com.atproto.repo.applyWrites#create' as const,
    collection: COLLECTION[w.kind],
    ...(w.kind === 'profile' ? { rkey: 'self' } : {}),
    value: recordOf(w, createdAt),
  };
}

/** Writes the records in order; the results line up with `writes`. */
export async function applyPlanned(account: SimAccount, writes: readonly PlannedWrite[], now: Date): Promise<WriteResult[]> {
  const createdAt = now.toISOString();
  const out: WriteResult[] = [];
  for (let i = 0; i < writes.length; i += MAX_BATCH) {
    const chunk = writes.slice(i, i + MAX_BATCH);
    try {
      const res = await account.agent.com.atproto.repo.applyWrites({
        repo: account.did,
        writes: chunk.map((w) => toCreate(w, createdAt)),
      });
      for (const r of res.data.results ?? []) {
        if (!('uri' in r) || !('cid' in r)) throw new SimulationError(`applyWrites for ${account.handle} returned a non-create result`);
        out.push({ uri: r.uri, cid: r.cid });
      }
    } catch (err) {
      if (err instanceof SimulationError) throw err;
      throw new SimulationError(`applyWrites of ${chunk.length} records for ${account.handle} failed`, { cause: err });
    }
  }
  return out;
}
