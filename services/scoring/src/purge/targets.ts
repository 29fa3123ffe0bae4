// Which network events purge texts, and what they purge: a deleted post (app.bsky.feed.post,
// deleted by its own repository) or an account whose texts are gone (deleted, deactivated, taken
// down, suspended: accountTextsGone in @botsky/warehouse). Pure, like the rows the recorder
// writes: a redelivered event asks for the same purge.
import { AccountStatus, isDid, type NetworkEvent } from '@botsky/contracts';
import { accountTextsGone, type PurgeTarget } from '@botsky/warehouse';

const POST_COLLECTION = 'app.bsky.feed.post';

/** account_events.status: the source's word for each status. */
const STATUS_NAMES: Readonly<Record<number, string>> = {
  [AccountStatus.ACTIVE]: 'active',
  [AccountStatus.TAKENDOWN]: 'takendown',
  [AccountStatus.SUSPENDED]: 'suspended',
  [AccountStatus.DELETED]: 'deleted',
  [AccountStatus.DEACTIVATED]: 'deactivated',
  [AccountStatus.DESYNCHRONIZED]: 'desynchronized',
  [AccountStatus.THROTTLED]: 'throttled',
};

export function statusName(status: AccountStatus): string {
  return STATUS_NAMES[status] ?? 'unspecified';
}

/** What an event asks of the purge: a target, a refusal (counted), or nothing. */
export type PurgeRequest = { target: PurgeTarget } | { kind: 'post' | 'account'; rejected: string } | undefined;

export function purgeRequestOf(e: NetworkEvent): PurgeRequest {
  const p = e.payload;
  if (p.case === 'delete' && p.value.collection === POST_COLLECTION) {
    // A repository deletes only its own records: a delete naming another's post purges nothing.
    if (!isDid(e.did) || !e.uri.startsWith(`at://${e.did}/${POST_COLLECTION}/`)) return { kind: 'post', rejected: 'bad_uri' };
    return { target: { kind: 'post', did: e.did, uri: e.uri } };
  }
  if (p.case === 'account' && accountTextsGone(p.value.active, statusName(p.value.status))) {
    if (!isDid(e.did)) return { kind: 'account', rejected: 'bad_did' };
    // The purge reaches what was written up to the event; without its time it could reach nothing.
    if (e.timeUs <= 0n) return { kind: 'account', rejected: 'no_time' };
    return { target: { kind: 'account', did: e.did, untilMs: Number(e.timeUs / 1000n) } };
  }
  return undefined;
}

/**
 * A purged post's text as posts.text keeps it: '' (or 'stop' for a reply that was exactly that,
 * the same rule as TEXT_COLUMNS' ClickHouse expression, whose trimBoth trims spaces only).
 */
export function purgedText(text: string): string {
  return text.replace(/^ +| +$/g, '').toLowerCase() === 'stop' ? 'stop' : '';
}
