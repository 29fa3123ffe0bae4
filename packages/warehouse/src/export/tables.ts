// The files of a research export and what each column becomes (anonymise.ts). Every table the
// leaderboard reads is here with every column it reads, so `botsky rescore --dataset` can load
// the files into a fresh warehouse and run the live scoring code on them; a column that could
// name a person and that the ranking does not need is emptied (''). What people took back before
// the export's end (a deleted post, an account that is gone: queries/withdrawn.ts) is left out,
// as the ranking leaves it out.
import { actorStands, postStands, withdrawnPosts } from '../queries/withdrawn.ts';
import type { Anonymiser } from './anonymise.ts';

export type ColumnRule = 'keep' | 'did' | 'dids' | 'uri' | 'id' | 'empty' | 'text';

export interface ExportTable {
  /** The warehouse table, and the file's name (`<name>.parquet`). */
  name: string;
  /** What the file holds, for the datasheet. */
  description: string;
  columns: Record<string, ColumnRule>;
  /** The column the export's --from/--to window applies to (none: the whole table, e.g. profile labels). */
  time?: string;
  /** The rows left in (a condition on `src`): what stands as of `before` (an SQL moment). */
  stands?: (db: string, before: string) => string;
}

export const EXPORT_TABLES: readonly ExportTable[] = [
  {
    name: 'bot_replies',
    description:
      "every reply task bot-runner finished: the bot, its model and provider, status, latency, tokens, cost, and the reply's style features",
    time: 'finished_at',
    columns: {
      task_id: 'id',
      bot_id: 'keep',
      model: 'keep',
      provider: 'keep',
      status: 'keep',
      post_uri: 'uri',
      reply_uri: 'uri',
      reply_cid: 'id',
      mention_did: 'did',
      battle_id: 'id',
      failure_reason: 'keep',
      latency_ms: 'keep',
      tokens_in: 'keep',
      tokens_out: 'keep',
      cost_usd: 'keep',
      finished_at: 'keep',
      style_graphemes: 'keep',
      style_questions: 'keep',
      style_emoji: 'keep',
      style_links: 'keep',
      style_mentions: 'keep',
    },
  },
  {
    name: 'reply_tasks',
    description:
      "matchmaker's reply tasks: the post, its author, the bot, the person to introduce, the battle and its pair's sampling probability (the reason, which quotes the post's words, is left out)",
    time: 'created_at',
    columns: {
      task_id: 'id',
      post_uri: 'uri',
      post_author_did: 'did',
      bot_id: 'keep',
      mention_did: 'did',
      battle_id: 'id',
      reason: 'empty',
      created_at: 'keep',
      battle_pair_probability: 'keep',
      battle_sampling: 'keep',
    },
  },
  {
    name: 'battles',
    description:
      "the battles scoring decided: both bots, both replies, both sides' scores, the winner, the rule version, the vote kind and the weight",
    time: 'decided_at',
    columns: {
      battle_id: 'id',
      post_uri: 'uri',
      bot_a: 'keep',
      bot_b: 'keep',
      reply_a_uri: 'uri',
      reply_b_uri: 'uri',
      score_a: 'keep',
      score_b: 'keep',
      winner: 'keep',
      decided_at: 'keep',
      rule_version: 'keep',
      vote_kind: 'keep',
      weight: 'keep',
    },
  },
  {
    name: 'posts',
    description:
      'the network\'s posts BotSky stored: author, thread, mentions, times; text only with --with-text, for opted-in people and the bots (a bare "stop" is kept: the ranking counts it as harm)',
    time: 'indexed_at',
    stands: (db, before) => postStands(db, before, 'src.uri', 'src.author_did'),
    columns: {
      uri: 'uri',
      cid: 'id',
      author_did: 'did',
      text: 'text',
      langs: 'keep',
      reply_root_uri: 'uri',
      reply_parent_uri: 'uri',
      mentions: 'dids',
      parent_bot_id: 'keep',
      answers_mention: 'keep',
      created_at: 'keep',
      indexed_at: 'keep',
    },
  },
  {
    name: 'interactions',
    description: 'likes, reposts, follows, blocks, list items and deletes: who, on what, when',
    time: 'indexed_at',
    // Nothing of a deleted post: not its delete, not a like or repost of it.
    stands: (db, before) =>
      `${actorStands(db, before, 'src.actor_did')} AND src.uri NOT IN ${withdrawnPosts(db, before)} AND src.subject_uri NOT IN ${withdrawnPosts(db, before)}`,
    columns: {
      kind: 'keep',
      uri: 'uri',
      cid: 'id',
      actor_did: 'did',
      subject_uri: 'uri',
      subject_did: 'did',
      subject_bot_id: 'keep',
      collection: 'keep',
      created_at: 'keep',
      indexed_at: 'keep',
    },
  },
  {
    name: 'mentions',
    description: 'every introduction a bot made: the bot, the person mentioned, the reply and the post it answered',
    time: 'mentioned_at',
    columns: {
      task_id: 'id',
      bot_id: 'keep',
      mentioned_did: 'did',
      reply_uri: 'uri',
      post_uri: 'uri',
      battle_id: 'id',
      mentioned_at: 'keep',
    },
  },
  {
    name: 'impressions',
    description: 'every feed item served: the viewer, the bot reply, its position and the probability it had of being in the page',
    time: 'served_at',
    stands: (db, before) => actorStands(db, before, 'src.viewer_did'),
    columns: {
      impression_id: 'id',
      feed_request_id: 'id',
      viewer_did: 'did',
      post_uri: 'uri',
      bot_id: 'keep',
      position: 'keep',
      probability: 'keep',
      served_at: 'keep',
    },
  },
  {
    name: 'client_interactions',
    description: 'what clients reported of feed items (seen, and the rest of sendInteractions)',
    time: 'received_at',
    stands: (db, before) => actorStands(db, before, 'src.viewer_did'),
    columns: {
      interaction_id: 'id',
      viewer_did: 'did',
      item_uri: 'uri',
      event: 'keep',
      feed_context: 'empty',
      bot_id: 'keep',
      received_at: 'keep',
    },
  },
  {
    name: 'profile_labels',
    description: "accounts' self-labels over time (the `bot` label keeps an account out of the people counted)",
    stands: (db, before) => actorStands(db, before, 'src.did'),
    columns: { did: 'did', self_labels: 'keep', indexed_at: 'keep' },
  },
  {
    name: 'rating_snapshots',
    description: "scoring's published ratings over time: method, bot, model, rating, 95% interval, rank, battles",
    time: 'computed_at',
    columns: {
      computed_at: 'keep',
      method: 'keep',
      bot_id: 'keep',
      model: 'keep',
      rating: 'keep',
      ci_lo: 'keep',
      ci_hi: 'keep',
      rank: 'keep',
      battles: 'keep',
    },
  },
];

/**
 * The SELECT list of a table, every column mapped by its rule. Columns are read as `src.<name>`
 * (the query says `FROM <table> AS src`): an unqualified name would be the alias of the mapped
 * column of the same name, and the text rule must see the author's real DID.
 */
export function selectList(t: ExportTable, a: Anonymiser): string {
  return Object.entries(t.columns)
    .map(([col, rule]) => {
      const c = `src.${col}`;
      switch (rule) {
        case 'keep':
          return `${c} AS ${col}`;
        case 'did':
          return `${a.did(c)} AS ${col}`;
        case 'dids':
          return `${a.dids(c)} AS ${col}`;
        case 'uri':
          return `${a.uri(c)} AS ${col}`;
        case 'id':
          return `${a.id(c)} AS ${col}`;
        case 'empty':
          return `'' AS ${col}`;
        default:
          return `${a.postText(c, 'src.author_did', 'src.uri')} AS ${col}`;
      }
    })
    .join(',\n  ');
}
