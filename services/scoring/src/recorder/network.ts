// Consumer scoring-recorder-network: posts into `posts`; likes, reposts, follows, blocks and
// deletes into `interactions`; profiles' self-labels into `profile_labels` (an account labelled
// `bot` is not a person). Account and identity events have no table and are acked.
import { CONSUMERS } from '@botsky/bus';
import { decode, NetworkEventSchema, type NetworkEvent } from '@botsky/contracts';
import { dateOfUs, type TableRow } from './rows.ts';
import { recordConsumer, type RecorderDeps } from './record.ts';
import type { ReplyIndex } from './reply-index.ts';

export function startNetworkRecorder(deps: RecorderDeps) {
  return recordConsumer(deps, CONSUMERS.scoringRecorderNetwork, (msg) => networkRows(decode(NetworkEventSchema, msg.data), deps.index));
}

export function networkRows(e: NetworkEvent, index: ReplyIndex): TableRow[] {
  // indexed_at is the source's time, carried in the event: the same on every redelivery.
  const indexedAt = dateOfUs(e.timeUs);
  const p = e.payload;
  switch (p.case) {
    case 'post': {
      const parent = p.value.reply?.parent?.uri ?? '';
      const root = p.value.reply?.root?.uri ?? '';
      const bot = index.get(parent);
      // A direct answer to the bot reply by the person it mentioned: what the per-minute view counts.
      const answers = bot !== undefined && bot.mentionDid !== '' && bot.mentionDid === e.did;
      return [{
        table: 'posts',
        row: {
          uri: e.uri, cid: e.cid, author_did: e.did, text: p.value.text, langs: p.value.langs, reply_root_uri: root,
          reply_parent_uri: parent, mentions: p.value.mentions, parent_bot_id: bot?.botId ?? '',
          answers_mention: answers ? 1 : 0, created_at: dateOfUs(p.value.createdAtUs), indexed_at: indexedAt,
        },
      }];
    }
    case 'like':
    case 'repost': {
      const subjectUri = p.value.subject?.uri ?? '';
      return [interaction(e, p.case, indexedAt, {
        subject_uri: subjectUri, subject_did: authorityOf(subjectUri), subject_bot_id: index.get(subjectUri)?.botId ?? '',
        collection: `app.bsky.feed.${p.case}`, created_at: dateOfUs(p.value.createdAtUs),
      })];
    }
    case 'follow':
    case 'block':
      return [interaction(e, p.case, indexedAt, {
        subject_uri: '', subject_did: p.value.subjectDid, subject_bot_id: '', collection: `app.bsky.graph.${p.case}`,
        created_at: dateOfUs(p.value.createdAtUs),
      })];
    case 'delete':
      return [interaction(e, 'delete', indexedAt, {
        subject_uri: '', subject_did: '', subject_bot_id: '', collection: p.value.collection, created_at: indexedAt,
      })];
    case 'profile':
      return [{ table: 'profile_labels', row: { did: e.did, self_labels: p.value.selfLabels, indexed_at: indexedAt } }];
    default:
      return [];
  }
}

function interaction(e: NetworkEvent, kind: string, indexedAt: Date, rest: Record<string, unknown>): TableRow {
  return { table: 'interactions', row: { kind, uri: e.uri, cid: e.cid, actor_did: e.did, indexed_at: indexedAt, ...rest } };
}

/** The DID of an at:// URI's repository ('' when it is not one). */
export function authorityOf(uri: string): string {
  const m = /^at:\/\/([^/]+)/.exec(uri);
  return m?.[1] ?? '';
}
