// Protobuf events → warehouse rows (columns: packages/warehouse/src/migrations). Pure, so what a
// redelivered event writes is exactly what it wrote the first time: ids and times come from the
// event, never from the clock.
import { createHash } from 'node:crypto';
import {
  BattleWinner,
  InteractionEvent,
  MatchVerdict,
  OutcomeStatus,
  RatingMethod,
  type BattleOutcome,
  type BotOutcome,
  type ClientInteraction,
  type Impression,
  type LlmCall,
  type MatchDecision,
  type RatingSnapshot,
  type ReplyTask,
} from '@botsky/contracts';
import { styleOf } from '@botsky/ratings';
import type { Row } from '@botsky/warehouse';

export interface TableRow {
  table: string;
  row: Row;
}

/** DateTime64(3) from *_us; 0 (unset) stays the epoch rather than becoming "now". */
export function dateOfUs(us: bigint): Date {
  return new Date(Number(us / 1000n));
}

/**
 * The bus message (stream, sequence) that carries words of `authorDid`'s post `postUri` ('' for
 * a profile) and of `otherDids`, at `atUs`: what a purge of them deletes from the stream.
 */
export function streamMessageRow(
  stream: string,
  seq: number,
  o: { postUri: string; authorDid: string; otherDids?: readonly string[]; atUs: bigint },
): TableRow {
  return {
    table: 'stream_messages',
    row: {
      stream,
      seq,
      post_uri: o.postUri,
      author_did: o.authorDid,
      other_dids: [...new Set(o.otherDids ?? [])].filter((d) => d !== ''),
      indexed_at: dateOfUs(o.atUs),
    },
  };
}

export function replyTaskRow(t: ReplyTask): TableRow {
  return {
    table: 'reply_tasks',
    row: {
      task_id: t.taskId,
      post_uri: t.postRef?.uri ?? '',
      post_author_did: t.authorDid,
      bot_id: t.botId,
      mention_did: t.mention?.did ?? '',
      battle_id: t.battleId,
      reason: t.mention ? t.mention.reason : t.noMentionReason,
      created_at: dateOfUs(t.createdAtUs),
      battle_pair_probability: t.battlePairProbability,
      battle_sampling: t.battleSampling,
    },
  };
}

export function matchDecisionRow(d: MatchDecision): TableRow {
  return {
    table: 'match_decisions',
    row: {
      decision_id: d.decisionId,
      post_uri: d.postRef?.uri ?? '',
      post_author_did: d.authorDid,
      outcome: d.verdict === MatchVerdict.DISPATCHED ? 'task' : d.verdict === MatchVerdict.SKIPPED ? 'skip' : 'unspecified',
      reason: d.reason,
      bot_ids: d.botIds,
      mention_did: d.chosen?.did ?? '',
      battle_id: d.battleId,
      candidates: d.candidates.length,
      decided_at: dateOfUs(d.decidedAtUs),
    },
  };
}

export function llmCallRow(c: LlmCall): TableRow {
  return {
    table: 'llm_calls',
    row: {
      call_id: c.callId,
      key_id: c.keyId,
      builder: c.builder,
      model: c.model,
      provider: c.provider,
      prompt_tokens: Number(c.promptTokens),
      completion_tokens: Number(c.completionTokens),
      cost_usd: c.costUsd,
      latency_ms: Number(c.latencyMs),
      outcome: c.outcome,
      streamed: c.streamed ? 1 : 0,
      at: dateOfUs(c.atUs),
      key_spend_cap_usd: c.keySpendCapUsd,
      key_spent_usd: c.keySpentUsd,
    },
  };
}

export function botReplyRow(o: BotOutcome): TableRow {
  const replied = o.status === OutcomeStatus.REPLIED;
  // Style features of the text (not the text itself). Latency needs the answered post's time,
  // which may be recorded after the outcome: the reads derive it (battleReplyDetailsAsOf).
  const style = replied ? styleOf(o.replyText, 0) : { graphemes: 0, questions: 0, emoji: 0, links: 0, mentions: 0 };
  return {
    table: 'bot_replies',
    row: {
      task_id: o.taskId,
      bot_id: o.botId,
      model: o.model,
      provider: o.provider,
      status: replied ? 'replied' : o.status === OutcomeStatus.FAILED ? 'failed' : 'unspecified',
      post_uri: o.postRef?.uri ?? '',
      reply_uri: replied ? (o.reply?.uri ?? '') : '',
      reply_cid: replied ? (o.reply?.cid ?? '') : '',
      mention_did: o.mentionDid,
      battle_id: o.battleId,
      failure_reason: replied ? '' : failureName(o.failureReason),
      latency_ms: o.latencyMs,
      tokens_in: o.tokensIn,
      tokens_out: o.tokensOut,
      cost_usd: o.costUsd,
      finished_at: dateOfUs(o.finishedAtUs),
      style_graphemes: style.graphemes,
      style_questions: style.questions,
      style_emoji: style.emoji,
      style_links: style.links,
      style_mentions: style.mentions,
    },
  };
}

const FAILURES = [
  'unspecified',
  'model_error',
  'timeout',
  'output_rejected',
  'budget_exhausted',
  'post_error',
  'stale',
  'consent_revoked',
  'paused',
  'post_deleted',
];
function failureName(reason: number): string {
  return FAILURES[reason] ?? `reason_${reason}`;
}

export function impressionRow(i: Impression): TableRow {
  return {
    table: 'impressions',
    row: {
      // Deterministic: a page's request id and the item's position name the impression.
      impression_id: `${i.requestId}:${i.position}`,
      feed_request_id: i.requestId,
      viewer_did: i.viewerDid,
      post_uri: i.itemUri,
      bot_id: i.botId,
      position: Math.min(i.position, 65535),
      probability: i.probability,
      served_at: dateOfUs(i.servedAtUs),
    },
  };
}

const EVENT_NAMES: Record<number, string> = {
  [InteractionEvent.SEEN]: 'seen',
  [InteractionEvent.LIKE]: 'like',
  [InteractionEvent.REPOST]: 'repost',
  [InteractionEvent.REPLY]: 'reply',
  [InteractionEvent.QUOTE]: 'quote',
  [InteractionEvent.SHARE]: 'share',
  [InteractionEvent.REQUEST_MORE]: 'show_more',
  [InteractionEvent.REQUEST_LESS]: 'show_less',
  [InteractionEvent.CLICKTHROUGH_ITEM]: 'click_item',
  [InteractionEvent.CLICKTHROUGH_AUTHOR]: 'click_author',
  [InteractionEvent.CLICKTHROUGH_REPOSTER]: 'click_reposter',
  [InteractionEvent.CLICKTHROUGH_EMBED]: 'click_embed',
};

export function clientInteractionRow(c: ClientInteraction): TableRow {
  const event = EVENT_NAMES[c.event] ?? (c.eventToken || 'unspecified');
  // The same report repeated (a client retry, a redelivery) has the same id.
  const id = createHash('sha256').update([c.viewerDid, c.itemUri, event, c.feedContext, c.requestId].join('\n')).digest('hex').slice(0, 32);
  return {
    table: 'client_interactions',
    row: {
      interaction_id: id,
      viewer_did: c.viewerDid,
      item_uri: c.itemUri,
      event,
      feed_context: c.feedContext,
      bot_id: c.botId,
      received_at: dateOfUs(c.receivedAtUs),
    },
  };
}

export function battleRow(b: BattleOutcome): TableRow {
  const score = (e: BattleOutcome['engagementA']) => (e ? e.likes + e.reposts + e.replies : 0);
  const winner = b.winner === BattleWinner.A ? b.botA : b.winner === BattleWinner.B ? b.botB : '';
  return {
    table: 'battles',
    row: {
      battle_id: b.battleId,
      post_uri: b.postUri,
      bot_a: b.botA,
      bot_b: b.botB,
      reply_a_uri: b.replyAUri,
      reply_b_uri: b.replyBUri,
      score_a: score(b.engagementA),
      score_b: score(b.engagementB),
      winner,
      decided_at: dateOfUs(b.decidedAtUs),
      rule_version: b.ruleVersion,
      vote_kind: b.voteKind,
      // An outcome from before weights were published has weight 0 on the wire: it weighed 1.
      weight: b.weight > 0 ? b.weight : 1,
    },
  };
}

/** rating_snapshots.method; also the label of the scoring_rating gauge. */
const METHOD_NAMES: Record<number, string> = {
  [RatingMethod.ELO]: 'elo',
  [RatingMethod.BRADLEY_TERRY]: 'bt',
  [RatingMethod.BRADLEY_TERRY_STYLE]: 'bt_style',
};

export function ratingRow(r: RatingSnapshot, model: string): TableRow {
  return {
    table: 'rating_snapshots',
    row: {
      computed_at: dateOfUs(r.computedAtUs),
      method: METHOD_NAMES[r.method] ?? 'bt',
      bot_id: r.botId,
      model,
      rating: r.rating,
      ci_lo: r.ci95Lo,
      ci_hi: r.ci95Hi,
      rank: Math.min(r.rank, 65535),
      battles: r.battles,
    },
  };
}
