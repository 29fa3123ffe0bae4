// Consumer scoring-recorder-network: posts into `posts`; likes, reposts, follows, blocks and
// deletes into `interactions`; profiles' self-labels into `profile_labels` (an account labelled
// `bot` is not a person); account status changes into `account_events`. Identity events have no
// table and are acked. Posts' and profiles' messages are noted in `stream_messages` (what a purge
// deletes from the stream). Once a post delete's or an account event's rows are stored, the purge it
// asks for goes to the replica's purge worker (purge/purger.ts); a post the worker has already
// purged is stored without its words (a redelivery after its delete).
import { CONSUMERS, decodeMessage } from '@botsky/bus';
import { NetworkEventSchema, STREAMS, type NetworkEvent } from '@botsky/contracts';
import { purgedText, purgeRequestOf, statusName, type PurgeRequest } from '../purge/targets.ts';
import { dateOfUs, streamMessageRow, type TableRow } from './rows.ts';
import { recordMessage, type RecorderDeps } from './record.ts';
import type { ReplyIndex } from './reply-index.ts';

/** Whether a post (author, uri, indexed at ms) has been purged already. */
export interface PurgedPosts {
  covers(did: string, uri: string, atMs: number): boolean;
}

const NONE: PurgedPosts = { covers: () => false };

export function startNetworkRecorder(deps: RecorderDeps) {
  const consumer = CONSUMERS.scoringRecorderNetwork;
  return deps.bus.consume(
    consumer,
    async (msg) => {
      let request: PurgeRequest;
      const disposition = await recordMessage(
        deps,
        consumer,
        (m) => {
          const e = decodeMessage(m, NetworkEventSchema);
          request = purgeRequestOf(e);
          return [...networkRows(e, deps.index, deps.purger.ledger), ...carrierRows(e, m.seq)];
        },
        msg,
      );
      // Only once its rows are stored: a restarted replica finds the purge recorded.
      if (disposition === undefined) deps.purger.handle(request);
      return disposition;
    },
    { maxInFlight: deps.maxInFlight },
  );
}

export function networkRows(e: NetworkEvent, index: ReplyIndex, purged: PurgedPosts = NONE): TableRow[] {
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
      const text = purged.covers(e.did, e.uri, indexedAt.getTime()) ? purgedText(p.value.text) : p.value.text;
      return [
        {
          table: 'posts',
          row: {
            uri: e.uri,
            cid: e.cid,
            author_did: e.did,
            text,
            langs: p.value.langs,
            reply_root_uri: root,
            reply_parent_uri: parent,
            mentions: p.value.mentions,
            parent_bot_id: bot?.botId ?? '',
            answers_mention: answers ? 1 : 0,
            created_at: dateOfUs(p.value.createdAtUs),
            indexed_at: indexedAt,
          },
        },
      ];
    }
    case 'like':
    case 'repost': {
      const subjectUri = p.value.subject?.uri ?? '';
      return [
        interaction(e, p.case, indexedAt, {
          subject_uri: subjectUri,
          subject_did: authorityOf(subjectUri),
          subject_bot_id: index.get(subjectUri)?.botId ?? '',
          collection: `app.bsky.feed.${p.case}`,
          created_at: dateOfUs(p.value.createdAtUs),
        }),
      ];
    }
    case 'follow':
    case 'block':
      return [
        interaction(e, p.case, indexedAt, {
          subject_uri: '',
          subject_did: p.value.subjectDid,
          subject_bot_id: '',
          collection: `app.bsky.graph.${p.case}`,
          created_at: dateOfUs(p.value.createdAtUs),
        }),
      ];
    case 'delete':
      return [
        interaction(e, 'delete', indexedAt, {
          subject_uri: '',
          subject_did: '',
          subject_bot_id: '',
          collection: p.value.collection,
          created_at: indexedAt,
        }),
      ];
    case 'profile':
      return [{ table: 'profile_labels', row: { did: e.did, self_labels: p.value.selfLabels, indexed_at: indexedAt } }];
    case 'account':
      return [
        {
          table: 'account_events',
          row: { did: e.did, active: p.value.active ? 1 : 0, status: statusName(p.value.status), seq: e.seq, indexed_at: indexedAt },
        },
      ];
    default:
      return [];
  }
}

/** A post's or a profile's message carries its author's words (stream_messages). */
function carrierRows(e: NetworkEvent, seq: number): TableRow[] {
  const p = e.payload;
  if (p.case !== 'post' && p.case !== 'profile') return [];
  return [streamMessageRow(STREAMS.network, seq, { postUri: p.case === 'post' ? e.uri : '', authorDid: e.did, atUs: e.timeUs })];
}

function interaction(e: NetworkEvent, kind: string, indexedAt: Date, rest: Record<string, unknown>): TableRow {
  return { table: 'interactions', row: { kind, uri: e.uri, cid: e.cid, actor_did: e.did, indexed_at: indexedAt, ...rest } };
}

/** The DID of an at:// URI's repository ('' when it is not one). */
export function authorityOf(uri: string): string {
  const m = /^at:\/\/([^/]+)/.exec(uri);
  return m?.[1] ?? '';
}
