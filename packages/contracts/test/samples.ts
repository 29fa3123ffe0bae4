// One fully populated sample of every event, built with the generated schemas. Every field is set
// (assertComplete checks it), so a round trip exercises all of them, and a field added to a
// .proto without a sample here fails the tests.

import assert from 'node:assert/strict';
import { create, isFieldSet, type DescMessage, type Message, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import {
  AccountStatus,
  BattleOutcomeSchema,
  BattleWinner,
  BotOutcomeSchema,
  ClientInteractionSchema,
  FailureReason,
  ImpressionPageSchema,
  ImpressionSchema,
  InteractionEvent,
  MatchDecisionSchema,
  MatchVerdict,
  NetworkEventSchema,
  NetworkSource,
  OutcomeStatus,
  PostSchema,
  RatingMethod,
  RatingSnapshotSchema,
  ReplyTaskSchema,
  GenerateReplyRequestSchema,
  GenerateReplyResponseSchema,
  GetLeaderboardResponseSchema,
  MentionCandidateSchema,
  type NetworkEvent,
} from '../src/index.ts';

const ALICE = 'did:plc:alice';
const BOB = 'did:plc:bob';
const POST_URI = `at://${ALICE}/app.bsky.feed.post/3kabc`;
const ref = (uri: string) => ({ uri, cid: 'bafyreib2rxk3rh6kzwq' });
const T = 1_714_564_800_123_456n;

export const post = create(PostSchema, {
  text: 'climbing with @bob.test today 🧗 https://example.com #rust',
  langs: ['en', 'pt-BR'],
  reply: { root: ref(`at://${BOB}/app.bsky.feed.post/3kroot`), parent: ref(`at://${BOB}/app.bsky.feed.post/3kpar`) },
  facets: [
    { byteStart: 14, byteEnd: 23, feature: { case: 'mentionDid', value: BOB } },
    { byteStart: 36, byteEnd: 55, feature: { case: 'linkUri', value: 'https://example.com' } },
    { byteStart: 56, byteEnd: 61, feature: { case: 'tag', value: 'rust' } },
  ],
  mentions: [BOB],
  embed: {
    record: ref(`at://${BOB}/app.bsky.feed.post/3kquoted`),
    externalUri: 'https://example.com',
    externalTitle: 'Example',
    externalDescription: 'An example page',
    imageAlts: ['a crag at dawn', ''],
    hasVideo: true,
  },
  createdAtUs: T,
  tags: ['climbing'],
  selfLabels: ['graphic-media'],
});

const envelope = {
  did: ALICE,
  uri: POST_URI,
  cid: 'bafyreib2rxk3rh6kzwq',
  rev: '3kabcrev',
  seq: 1_234_567_890_123n,
  timeUs: T,
  source: NetworkSource.JETSTREAM,
};
const event = (payload: MessageInitShape<typeof NetworkEventSchema>['payload']) => create(NetworkEventSchema, { ...envelope, payload });

/** One network event per payload kind. */
export const networkEvents: NetworkEvent[] = [
  event({ case: 'post', value: post }),
  event({ case: 'like', value: { subject: ref(POST_URI), createdAtUs: T } }),
  event({ case: 'repost', value: { subject: ref(POST_URI), createdAtUs: T } }),
  event({ case: 'follow', value: { subjectDid: BOB, createdAtUs: T } }),
  event({ case: 'block', value: { subjectDid: BOB, createdAtUs: T } }),
  event({ case: 'delete', value: { collection: 'app.bsky.graph.follow', rkey: '3kfollow' } }),
  event({ case: 'profile', value: { displayName: 'Alice', description: 'climber, rustacean', selfLabels: ['bot'] } }),
  event({ case: 'account', value: { active: true, status: AccountStatus.DEACTIVATED } }),
  event({ case: 'identity', value: { handle: 'alice.test' } }),
  event({ case: 'listBlock', value: { listUri: `at://${BOB}/app.bsky.graph.list/3kmodlist`, createdAtUs: T } }),
  event({ case: 'listItem', value: { listUri: `at://${ALICE}/app.bsky.graph.list/3kmodlist`, subjectDid: BOB, createdAtUs: T } }),
];

const candidate = create(MentionCandidateSchema, {
  did: BOB,
  handle: 'bob.test',
  similarity: 0.82,
  reason: 'shares: climbing',
  eligible: true,
  interests: ['climbing', 'granite'],
  lastActiveUs: T - 60_000_000n,
});

/** Every other event of the bus, keyed by a readable name. */
export const events: Array<[string, DescMessage, Message]> = [
  [
    'ReplyTask',
    ReplyTaskSchema,
    create(ReplyTaskSchema, {
      taskId: 'rt_1',
      postRef: ref(POST_URI),
      post,
      replyTo: { root: ref(POST_URI), parent: ref(POST_URI) },
      authorDid: ALICE,
      authorHandle: 'alice.test',
      botId: 'gpt-a',
      botDid: 'did:plc:bota',
      mention: candidate,
      noMentionReason: 'n/a',
      battleId: 'bt_1',
      createdAtUs: T,
      deadlineUs: T + 60_000_000n,
      slot: 1,
      battlePairProbability: 0.25,
      battleSampling: 'active',
      authorInterests: ['climbing', 'rust'],
    }),
  ],
  [
    'MatchDecision',
    MatchDecisionSchema,
    create(MatchDecisionSchema, {
      decisionId: 'md_1',
      postRef: ref(POST_URI),
      authorDid: ALICE,
      verdict: MatchVerdict.DISPATCHED,
      reason: 'battle drawn',
      botIds: ['gpt-a', 'claude-b'],
      taskIds: ['rt_0', 'rt_1'],
      battleId: 'bt_1',
      candidates: [candidate, { ...candidate, did: 'did:plc:carol', eligible: false, reason: 'mention limit reached' }],
      chosen: candidate,
      decidedAtUs: T,
    }),
  ],
  [
    'BotOutcome',
    BotOutcomeSchema,
    create(BotOutcomeSchema, {
      taskId: 'rt_1',
      botId: 'gpt-a',
      model: 'gpt-4o-mini',
      provider: 'openai',
      status: OutcomeStatus.FAILED,
      reply: ref(`at://did:plc:bota/app.bsky.feed.post/3kreply`),
      replyText: 'Nice! @bob.test climbs too.',
      failureReason: FailureReason.OUTPUT_REJECTED,
      failureDetail: 'two mentions',
      latencyMs: 1234,
      tokensIn: 812,
      tokensOut: 64,
      costUsd: 0.000183,
      mentionDid: BOB,
      battleId: 'bt_1',
      postRef: ref(POST_URI),
      authorDid: ALICE,
      attempts: 2,
      finishedAtUs: T,
    }),
  ],
  [
    'Impression',
    ImpressionSchema,
    create(ImpressionSchema, {
      requestId: 'req-1',
      viewerDid: BOB,
      itemUri: POST_URI,
      botId: 'gpt-a',
      position: 3,
      probability: 0.25,
      servedAtUs: T,
      feedUri: 'at://did:web:feed.test/app.bsky.feed.generator/botsky',
      feedContext: 'ctx-1',
      battleId: 'bt_1',
    }),
  ],
  [
    'ImpressionPage',
    ImpressionPageSchema,
    create(ImpressionPageSchema, {
      requestId: 'req-1',
      viewerDid: BOB,
      servedAtUs: T,
      feedUri: 'at://did:web:feed.test/app.bsky.feed.generator/botsky',
      items: [{ itemUri: POST_URI, botId: 'gpt-a', position: 3, probability: 0.25, feedContext: 'ctx-1', battleId: 'bt_1' }],
    }),
  ],
  [
    'ClientInteraction',
    ClientInteractionSchema,
    create(ClientInteractionSchema, {
      viewerDid: BOB,
      itemUri: POST_URI,
      event: InteractionEvent.SEEN,
      eventToken: 'app.bsky.feed.defs#interactionSeen',
      feedContext: 'ctx-1',
      requestId: 'req-1',
      botId: 'gpt-a',
      receivedAtUs: T,
    }),
  ],
  [
    'BattleOutcome',
    BattleOutcomeSchema,
    create(BattleOutcomeSchema, {
      battleId: 'bt_1',
      postUri: POST_URI,
      botA: 'gpt-a',
      botB: 'claude-b',
      replyAUri: `${POST_URI}a`,
      replyBUri: `${POST_URI}b`,
      winner: BattleWinner.B,
      engagementA: { impressions: 10, seen: 8, likes: 1, reposts: 1, replies: 1, quotes: 1, mentionReplied: true },
      engagementB: { impressions: 11, seen: 9, likes: 4, reposts: 2, replies: 3, quotes: 1, mentionReplied: true },
      decidedAtUs: T,
      ruleVersion: 'engagement-v2',
      voteKind: 'author',
      weight: 1.25,
    }),
  ],
  [
    'RatingSnapshot',
    RatingSnapshotSchema,
    create(RatingSnapshotSchema, {
      botId: 'gpt-a',
      method: RatingMethod.BRADLEY_TERRY,
      rating: 1012.5,
      ci95Lo: 990.1,
      ci95Hi: 1034.2,
      rank: 2,
      battles: 41,
      computedAtUs: T,
    }),
  ],
  ['GenerateReplyRequest', GenerateReplyRequestSchema, generateReplyRequest()],
  [
    'GenerateReplyResponse',
    GenerateReplyResponseSchema,
    create(GenerateReplyResponseSchema, {
      text: 'Same here! @bob.test knows the best crags.',
      model: 'llama-3.1-8b',
      tokensIn: 900,
      tokensOut: 40,
      costUsd: 0.0001,
    }),
  ],
  [
    'GetLeaderboardResponse',
    GetLeaderboardResponseSchema,
    create(GetLeaderboardResponseSchema, {
      entries: [
        {
          botId: 'gpt-a',
          model: 'gpt-4o-mini',
          provider: 'openai',
          rank: 1,
          engagement: { estimate: { value: 0.12, ci95Lo: 0.1, ci95Hi: 0.14 }, numerator: 120, denominator: 1000 },
          recommendation: { estimate: { value: 0.3, ci95Lo: 0.2, ci95Hi: 0.4 }, numerator: 30, denominator: 100 },
          elo: { value: 1010, ci95Lo: 1010, ci95Hi: 1010 },
          bradleyTerry: { value: 1012, ci95Lo: 990, ci95Hi: 1034 },
          battles: 41,
          replies: 300,
          bradleyTerryStyle: { value: 1008, ci95Lo: 980, ci95Hi: 1036 },
          conversationEngagement: { estimate: { value: 0.4, ci95Lo: 0.35, ci95Hi: 0.46 }, numerator: 120, denominator: 300 },
          feedEngagement: { estimate: { value: 0.1, ci95Lo: 0.08, ci95Hi: 0.12 }, numerator: 100, denominator: 1000 },
          feedEngagementIps: { value: 0.11, ci95Lo: 0.08, ci95Hi: 0.14 },
          feedEngagementEss: 640.5,
          harm: { estimate: { value: 0.01, ci95Lo: 0.004, ci95Hi: 0.02 }, numerator: 3, denominator: 300 },
          harmFlagged: true,
          blocks: 2,
          stops: 1,
        },
      ],
      computedAtUs: T,
      ruleVersion: 'engagement-v2',
      rankedBy: 'bt_style',
      robustness: { dropToFlipBattles: 12, dropToFlipPeople: 3 },
      styleCoefficients: [{ name: 'length', estimate: { value: 0.2, ci95Lo: 0.1, ci95Hi: 0.3 } }],
      excluded: { cappedActions: 5, flaggedPeople: 1, flaggedActions: 20 },
    }),
  ],
];

export function generateReplyRequest(taskId = 'rt_1'): MessageShape<typeof GenerateReplyRequestSchema> {
  const threadPost = { ref: ref(POST_URI), authorDid: ALICE, authorHandle: 'alice.test', text: post.text, langs: ['en'], createdAtUs: T };
  const person = (did: string, handle: string) => ({
    did,
    handle,
    displayName: handle,
    description: 'climber',
    recentPosts: [threadPost],
    interests: ['climbing', 'granite'],
    activeRecently: true,
    lastActiveUs: T,
  });
  return create(GenerateReplyRequestSchema, {
    taskId,
    botId: 'grpc-bot',
    botHandle: 'bot.test',
    post: threadPost,
    thread: [threadPost],
    author: person(ALICE, 'alice.test'),
    mention: { person: person(BOB, 'bob.test'), reason: 'both climb', similarity: 0.8 },
    constraints: { maxGraphemes: 300, mentionHandle: 'bob.test', linksAllowed: true, langs: ['en'], deadlineMs: 10_000 },
  });
}

/** Asserts every field is set (oneofs: some member), recursively, so samples cover the schema. */
export function assertComplete(schema: DescMessage, message: Message, path = schema.name): void {
  const record = message as unknown as Record<string, unknown>;
  for (const oneof of schema.oneofs) {
    const value = record[oneof.localName] as { case?: string; value?: unknown };
    assert.ok(value.case !== undefined, `${path}.${oneof.name} has no case set`);
    const member = oneof.fields.find((f) => f.localName === value.case);
    if (member?.fieldKind === 'message') assertComplete(member.message, value.value as Message, `${path}.${value.case}`);
  }
  for (const field of schema.fields) {
    if (field.oneof) continue;
    assert.ok(isFieldSet(message, field), `${path}.${field.name} is not set`);
    const value = record[field.localName];
    if (field.fieldKind === 'message') assertComplete(field.message, value as Message, `${path}.${field.name}`);
    // The first element represents the list; later ones may hold defaults (false, 0) on purpose.
    if (field.fieldKind === 'list' && field.listKind === 'message') {
      assertComplete(field.message, (value as Message[])[0] as Message, `${path}.${field.name}[0]`);
    }
  }
}
