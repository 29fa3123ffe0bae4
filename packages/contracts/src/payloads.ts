// Which message each subject carries, so producers and consumers cannot disagree. Every network
// subject carries the NetworkEvent envelope; the subject only says which payload is set.

import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { SUBJECTS, type Subject } from './subjects.ts';
import { NetworkEventSchema, type NetworkEvent } from './gen/botsky/v1/network_pb.ts';
import { MatchDecisionSchema, ReplyTaskSchema } from './gen/botsky/v1/tasks_pb.ts';
import { BotOutcomeSchema, LlmCallSchema } from './gen/botsky/v1/outcomes_pb.ts';
import { ClientInteractionSchema, ImpressionPageSchema } from './gen/botsky/v1/feed_pb.ts';
import { BattleOutcomeSchema, RatingSnapshotSchema } from './gen/botsky/v1/scores_pb.ts';

/** The message type of each subject. `satisfies` makes a new subject without a schema a type error. */
export const SUBJECT_SCHEMAS = {
  [SUBJECTS.networkPost]: NetworkEventSchema,
  [SUBJECTS.networkLike]: NetworkEventSchema,
  [SUBJECTS.networkRepost]: NetworkEventSchema,
  [SUBJECTS.networkFollow]: NetworkEventSchema,
  [SUBJECTS.networkBlock]: NetworkEventSchema,
  [SUBJECTS.networkDelete]: NetworkEventSchema,
  [SUBJECTS.networkProfile]: NetworkEventSchema,
  [SUBJECTS.networkAccount]: NetworkEventSchema,
  [SUBJECTS.networkIdentity]: NetworkEventSchema,
  [SUBJECTS.networkListBlock]: NetworkEventSchema,
  [SUBJECTS.networkListItem]: NetworkEventSchema,
  [SUBJECTS.replyTask]: ReplyTaskSchema,
  [SUBJECTS.matchDecision]: MatchDecisionSchema,
  [SUBJECTS.botOutcome]: BotOutcomeSchema,
  [SUBJECTS.llmCall]: LlmCallSchema,
  [SUBJECTS.feedImpressionPage]: ImpressionPageSchema,
  [SUBJECTS.feedInteraction]: ClientInteractionSchema,
  [SUBJECTS.battleOutcome]: BattleOutcomeSchema,
  [SUBJECTS.ratingSnapshot]: RatingSnapshotSchema,
} as const satisfies Record<Subject, DescMessage>;

/** The message type carried on subject S, e.g. `SubjectPayload<'botsky.tasks.reply'>` is ReplyTask. */
export type SubjectPayload<S extends Subject> = MessageShape<(typeof SUBJECT_SCHEMAS)[S]>;

/** The schema for a subject read off the wire; undefined for a subject BotSky does not define. */
export function schemaForSubject(subject: string): DescMessage | undefined {
  return Object.hasOwn(SUBJECT_SCHEMAS, subject) ? SUBJECT_SCHEMAS[subject as Subject] : undefined;
}

const NETWORK_SUBJECTS = {
  post: SUBJECTS.networkPost,
  like: SUBJECTS.networkLike,
  repost: SUBJECTS.networkRepost,
  follow: SUBJECTS.networkFollow,
  block: SUBJECTS.networkBlock,
  delete: SUBJECTS.networkDelete,
  profile: SUBJECTS.networkProfile,
  account: SUBJECTS.networkAccount,
  identity: SUBJECTS.networkIdentity,
  listBlock: SUBJECTS.networkListBlock,
  listItem: SUBJECTS.networkListItem,
} as const satisfies Record<NonNullable<NetworkEvent['payload']['case']>, Subject>;

/** The subject a network event is published on, from its payload; throws if none is set. */
export function networkSubject(event: NetworkEvent): Subject {
  const kind = event.payload.case;
  if (kind === undefined) throw new TypeError(`network event ${event.uri || event.did} has no payload`);
  return NETWORK_SUBJECTS[kind];
}
