import { TEXT_KEEPING_STATUSES } from '../text-purge.ts';
import { quoteString } from '../sql-literal.ts';
import { botDids } from './bot-dids.ts';

// What people took back, as of a moment: a post its author deleted, and every act of an account
// that is gone (deleted, deactivated, taken down, suspended: its latest account event says so).
// Neither counts in the ranking (as-of.ts, ranking.ts) nor leaves in a research export
// (export/dataset.ts): the rows stay in the warehouse, so a reactivated account counts again and
// a rescore as of a moment before the delete gives what was published then. The bots' own
// accounts are never withdrawn: their replies are the battles.
//
// `before` is an SQL expression of the moment (a query parameter or a literal).

/** People's posts deleted by their own repository before `before` (post URIs). */
export function withdrawnPosts(db: string, before: string): string {
  return `(SELECT uri FROM ${db}.interactions
     WHERE kind = 'delete' AND collection = 'app.bsky.feed.post' AND indexed_at < ${before}
       AND splitByChar('/', uri)[3] = actor_did AND actor_did NOT IN ${botDids(db)})`;
}

/** People whose latest account event before `before` says they are gone (DIDs). */
export function goneAccounts(db: string, before: string): string {
  return `(SELECT did FROM ${db}.account_events WHERE indexed_at < ${before} AND did NOT IN ${botDids(db)}
     GROUP BY did
     HAVING argMax(active, (indexed_at, seq)) = 0
       AND argMax(status, (indexed_at, seq)) NOT IN (${TEXT_KEEPING_STATUSES.map(quoteString).join(', ')}))`;
}

/** A condition on a post (its URI and author columns): neither deleted nor of an account that is gone. */
export function postStands(db: string, before: string, uri: string, author: string): string {
  return `${uri} NOT IN ${withdrawnPosts(db, before)} AND ${author} NOT IN ${goneAccounts(db, before)}`;
}

/** A condition on an act (like, follow, impression, report...) by `actor`: its account is not gone. */
export function actorStands(db: string, before: string, actor: string): string {
  return `${actor} NOT IN ${goneAccounts(db, before)}`;
}
