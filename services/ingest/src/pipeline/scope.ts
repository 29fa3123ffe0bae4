// Which events ingest keeps. `network`: all of them. `community`: events by or about the people
// and accounts BotSky deals with, so the bus carries a small slice of a busy network. Consent must
// never be lost, so anything that can change it is kept even when its author is a stranger.
import { KV_BUCKETS, readRoster } from '@botsky/contracts';
import type { KvStore } from '@botsky/bus';
import type { Logger } from '@botsky/kit';
import type { NetworkEvent } from '@botsky/firehose';
import { isListEvent, ListScope } from './list-scope.ts';

export interface Scope {
  keeps(e: NetworkEvent): boolean;
  /** Loads what the scope needs; the community scope also refreshes it periodically. */
  start(): Promise<void>;
  stop(): void;
}

export const networkScope: Scope = { keeps: () => true, start: async () => {}, stop: () => {} };

export interface CommunityScopeOptions {
  kv: (bucket: string) => Promise<KvStore>;
  projectDid: string | undefined;
  logger: Logger;
  refreshMs?: number;
}

/**
 * Community scope. The community is: the project account, every bot of the roster (KV `bots`,
 * values with a `did`), and every DID with an entry in KV `consent` (in or out: an opted-out
 * person's events are few, and dropping them could lose the event that opts them back in).
 * Kept: every event whose actor is in the community; follows and blocks of a community account;
 * posts that reply to, mention or quote one; likes and reposts of a community account's record; every
 * follow and block delete (a delete does not say whom it unfollowed, so any of them may be the
 * unfollow that opts a person out); every post delete and every account event that is not active
 * (a stranger's kept post, a reply to a bot, is deleted by a stranger: its text must be purged, and
 * a delete does not say whether its post was kept). A follow of the project account or a post
 * mentioning a bot adds its author at once, before matchmaker has recorded the opt-in. List
 * blocks and list items follow list-scope.ts.
 */
export function createCommunityScope(opts: CommunityScopeOptions): Scope {
  const special = new Set<string>(opts.projectDid ? [opts.projectDid] : []);
  let members = new Set<string>();
  const joined = new Set<string>();
  const lists = new ListScope();
  let timer: NodeJS.Timeout | undefined;
  const inside = (did: string): boolean => special.has(did) || members.has(did) || joined.has(did);
  const refresh = async (): Promise<void> => {
    const [consent, bots] = await Promise.all([opts.kv(KV_BUCKETS.consent), opts.kv(KV_BUCKETS.bots)]);
    members = new Set(await consent.keys());
    for (const did of await botDids(bots)) special.add(did);
  };
  return {
    keeps(e) {
      if (isListEvent(e)) return lists.keeps(e, inside, (did) => special.has(did));
      if (inside(e.did)) return true;
      const touched = touches(e);
      if (touched === 'always') return true;
      if (!touched.some(inside)) return false;
      // Following the project or tagging a bot opts in: later posts must not wait for the KV.
      if ((e.kind === 'follow' || e.kind === 'post') && touched.some((d) => special.has(d))) joined.add(e.did);
      return true;
    },
    async start() {
      await refresh();
      timer = setInterval(() => {
        refresh().catch((err: unknown) => opts.logger.warn({ err }, 'community refresh failed; keeping the last one'));
      }, opts.refreshMs ?? 5_000);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/** The DIDs an event points at, besides its actor; 'always' for what is kept whoever acts. */
function touches(e: NetworkEvent): string[] | 'always' {
  switch (e.kind) {
    case 'follow':
    case 'block':
      return [e.subject];
    case 'like':
    case 'repost':
      return [didOfUri(e.subject.uri)];
    case 'post': {
      const out = e.facets.flatMap((f) => (f.type === 'mention' ? [f.did] : []));
      if (e.reply) out.push(didOfUri(e.reply.parent.uri), didOfUri(e.reply.root.uri));
      if (e.embed?.record) out.push(didOfUri(e.embed.record.uri));
      return out;
    }
    case 'delete':
      return ALWAYS_KEPT_DELETES.has(e.collection) ? 'always' : [];
    case 'account':
      return e.active ? [] : 'always';
    default:
      return [];
  }
}

/** Deletes that may change consent (follows, blocks) or that purge a text (posts). */
const ALWAYS_KEPT_DELETES = new Set(['app.bsky.graph.follow', 'app.bsky.graph.block', 'app.bsky.feed.post']);

export function didOfUri(uri: string): string {
  const rest = uri.startsWith('at://') ? uri.slice(5) : uri;
  const slash = rest.indexOf('/');
  return slash === -1 ? rest : rest.slice(0, slash);
}

/** The bots' DIDs; an entry the roster contract rejects names no DID. */
async function botDids(bots: KvStore): Promise<string[]> {
  return (await readRoster(bots)).entries.map((e) => e.did);
}
