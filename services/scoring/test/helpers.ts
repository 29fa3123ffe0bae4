// Shared by scoring's tests: scoring in-process on the real NATS and embedded ClickHouse, and event
// builders.
import {
  BlockSchema,
  BotOutcomeSchema,
  ClientInteractionSchema,
  DeleteSchema,
  FollowSchema,
  ImpressionPageSchema,
  InteractionEvent,
  LikeSchema,
  NetworkEventSchema,
  PostSchema,
  ProfileSchema,
  ReplyTaskSchema,
  RepostSchema,
  OutcomeStatus,
  SUBJECTS,
  battleId,
  create,
  encode,
  networkSubject,
  replyTaskId,
  toUs,
  type NetworkEvent,
} from '@botsky/contracts';
import { natsUrl, startInProcess, type InProcess, type TestHooks } from '@botsky/kit/testing';
import type { OutgoingMessage } from '@botsky/bus';
import type { Warehouse } from '@botsky/warehouse';
import { scoringDefinition, type ScoringContext, type ScoringService } from '../src/index.ts';

export type RunningScoring = InProcess<ScoringContext, ScoringService>;

/** scoring in this process (`startInProcess`), leaderboard on ports the OS picks; stopped when `t` ends. */
export async function startScoring(t: TestHooks, env: Record<string, string>, warehouse?: Warehouse): Promise<RunningScoring> {
  const parts = { ...scoringDefinition, createService: (ctx: ScoringContext) => scoringDefinition.createService(ctx) as ScoringService };
  const base = {
    BOTSKY_BUS: natsUrl(),
    BOTSKY_LEADERBOARD_HOST: '127.0.0.1',
    BOTSKY_LEADERBOARD_PORT: '0',
    BOTSKY_LEADERBOARD_GRPC_PORT: '0',
  };
  return startInProcess(t, parts, { ...base, ...env }, warehouse ? { warehouse } : {});
}

// ---- event builders. `ms` is an epoch time in milliseconds.

export const did = (name: string) => `did:plc:${name}`;
export const postUri = (author: string, rkey: string) => `at://${did(author)}/app.bsky.feed.post/${rkey}`;

let seq = 0n;
function network(author: string, uri: string, ms: number, payload: NetworkEvent['payload']): OutgoingMessage {
  seq += 1n;
  const event = create(NetworkEventSchema, { did: did(author), uri, cid: `bafy${seq}`, seq, timeUs: toUs(ms), payload });
  return { subject: networkSubject(event), data: encode(NetworkEventSchema, event), msgId: `${uri}#${event.cid}` };
}

export function post(
  author: string,
  rkey: string,
  ms: number,
  reply?: { root: string; parent: string },
  text = `post ${rkey}`,
): OutgoingMessage {
  return network(author, postUri(author, rkey), ms, {
    case: 'post',
    value: create(PostSchema, {
      text,
      createdAtUs: toUs(ms),
      ...(reply ? { reply: { root: { uri: reply.root, cid: 'c' }, parent: { uri: reply.parent, cid: 'c' } } } : {}),
    }),
  });
}

export function like(author: string, rkey: string, subject: string, ms: number, kind: 'like' | 'repost' = 'like'): OutgoingMessage {
  const uri = `at://${did(author)}/app.bsky.feed.${kind}/${rkey}`;
  const value = { subject: { uri: subject, cid: 'c' }, createdAtUs: toUs(ms) };
  return network(
    author,
    uri,
    ms,
    kind === 'like' ? { case: 'like', value: create(LikeSchema, value) } : { case: 'repost', value: create(RepostSchema, value) },
  );
}

export interface OutcomeSpec {
  bot: string;
  post: string;
  slot: number;
  rkey: string;
  ms: number;
  mention?: string;
  battle?: boolean;
  model?: string;
  text?: string;
}

export function outcome(o: OutcomeSpec): OutgoingMessage {
  const taskId = replyTaskId(o.post, o.slot);
  const data = encode(BotOutcomeSchema, {
    taskId,
    botId: o.bot,
    model: o.model ?? `model-${o.bot}`,
    provider: 'builtin',
    status: OutcomeStatus.REPLIED,
    reply: { uri: postUri(o.bot, o.rkey), cid: 'c' },
    replyText: o.text ?? 'hi',
    mentionDid: o.mention ? did(o.mention) : '',
    battleId: o.battle ? battleId(o.post) : '',
    postRef: { uri: o.post, cid: 'c' },
    finishedAtUs: toUs(o.ms),
    attempts: 1,
  });
  return { subject: SUBJECTS.botOutcome, data, msgId: taskId };
}

/** One served page, as the feed publishes it: `items` are [position, item uri, bot]. */
export function impressionPage(requestId: string, items: Array<[number, string, string]>, ms: number): OutgoingMessage {
  const data = encode(ImpressionPageSchema, {
    requestId,
    viewerDid: did('viewer'),
    servedAtUs: toUs(ms),
    items: items.map(([position, itemUri, botId]) => ({
      position,
      itemUri,
      botId,
      probability: 0.5,
      feedContext: `${requestId}/${position}`,
    })),
  });
  return { subject: SUBJECTS.feedImpressionPage, data, msgId: `imp:${requestId}` };
}

/** A profile update with its self-labels (`bot` makes the account not a person). */
export function profile(author: string, labels: string[], ms: number): OutgoingMessage {
  return network(author, `at://${did(author)}/app.bsky.actor.profile/self`, ms, {
    case: 'profile',
    value: create(ProfileSchema, { displayName: author, selfLabels: labels }),
  });
}

export function follow(author: string, rkey: string, subjectDid: string, ms: number, kind: 'follow' | 'block' = 'follow'): OutgoingMessage {
  const value = { subjectDid, createdAtUs: toUs(ms) };
  return network(
    author,
    `at://${did(author)}/app.bsky.graph.${kind}/${rkey}`,
    ms,
    kind === 'follow' ? { case: 'follow', value: create(FollowSchema, value) } : { case: 'block', value: create(BlockSchema, value) },
  );
}

/** The deletion of the author's follow `rkey`: an unfollow. */
export function unfollow(author: string, rkey: string, ms: number): OutgoingMessage {
  return network(author, `at://${did(author)}/app.bsky.graph.follow/${rkey}`, ms, {
    case: 'delete',
    value: create(DeleteSchema, { collection: 'app.bsky.graph.follow', rkey }),
  });
}

/** A battle's reply task with the probability that matchmaker drew its pair. */
export function replyTask(o: { bot: string; post: string; slot: number; ms: number; pairProbability: number }): OutgoingMessage {
  const taskId = replyTaskId(o.post, o.slot);
  const data = encode(ReplyTaskSchema, {
    taskId,
    botId: o.bot,
    postRef: { uri: o.post, cid: 'c' },
    authorDid: o.post.split('/')[2] ?? '',
    battleId: battleId(o.post),
    slot: o.slot,
    createdAtUs: toUs(o.ms),
    battlePairProbability: o.pairProbability,
    battleSampling: 'active',
  });
  return { subject: SUBJECTS.replyTask, data, msgId: taskId };
}

/** One item served to `viewer` with its logged probability. */
export function servedTo(requestId: string, item: string, bot: string, viewer: string, probability: number, ms: number): OutgoingMessage {
  const data = encode(ImpressionPageSchema, {
    requestId,
    viewerDid: viewer === '' ? '' : did(viewer),
    servedAtUs: toUs(ms),
    items: [{ position: 0, itemUri: item, botId: bot, probability, feedContext: `${requestId}/0` }],
  });
  return { subject: SUBJECTS.feedImpressionPage, data, msgId: `imp:${requestId}` };
}

/** A client's "seen" report for an item. */
export function seen(viewer: string, item: string, bot: string, ms: number): OutgoingMessage {
  const data = encode(ClientInteractionSchema, {
    viewerDid: did(viewer),
    itemUri: item,
    event: InteractionEvent.SEEN,
    botId: bot,
    requestId: `seen-${viewer}`,
    receivedAtUs: toUs(ms),
  });
  return { subject: SUBJECTS.feedInteraction, data };
}
