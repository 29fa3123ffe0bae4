// The BotOutcome event closing a task: who answered, with what, how long the model took, tokens
// and cost, and the reply or why there is none.
import {
  BotOutcomeSchema,
  create,
  FailureReason,
  nowUs,
  OutcomeStatus,
  type BotOutcome,
  type MessageInitShape,
  type ReplyTask,
} from '@botsky/contracts';
import type { Facet } from '@atproto/api';
import type { Usage } from './generate.ts';
import { introducedDid } from './mention.ts';
import type { StrongRef } from './post-reply.ts';

export interface OutcomeBot {
  id: string;
  provider: string;
  model: string;
}

type Ref = { uri: string; cid: string };
/** A BotOutcome's fields as plain data (nested refs as plain objects), for create(BotOutcomeSchema, ...). */
export type OutcomeInit = Partial<Omit<BotOutcome, '$typeName' | '$unknown' | 'reply' | 'postRef'>> & { reply?: Ref; postRef?: Ref };
type Init = OutcomeInit;

export function toOutcome(init: OutcomeInit): BotOutcome {
  return create(BotOutcomeSchema, init as MessageInitShape<typeof BotOutcomeSchema>);
}

function base(task: ReplyTask, bot: OutcomeBot, usage: Partial<Usage>): Init {
  return {
    taskId: task.taskId,
    botId: bot.id,
    model: usage.model ?? bot.model,
    provider: bot.provider,
    latencyMs: Math.round(usage.latencyMs ?? 0),
    tokensIn: usage.tokensIn ?? 0,
    tokensOut: usage.tokensOut ?? 0,
    costUsd: usage.costUsd ?? 0,
    battleId: task.battleId,
    authorDid: task.authorDid,
    attempts: usage.attempts ?? 0,
    finishedAtUs: nowUs(),
    ...(task.postRef ? { postRef: { uri: task.postRef.uri, cid: task.postRef.cid } } : {}),
  };
}

/** A posted reply; the introduction (mentionDid) counts only when the posted facets name the chosen person. */
export function repliedOutcome(
  task: ReplyTask,
  bot: OutcomeBot,
  usage: Partial<Usage>,
  reply: StrongRef,
  text: string,
  facets: readonly Facet[] | undefined,
): Init {
  return { ...base(task, bot, usage), status: OutcomeStatus.REPLIED, reply, replyText: text, mentionDid: introducedDid(task, facets) };
}

export function failedOutcome(task: ReplyTask, bot: OutcomeBot, usage: Partial<Usage>, reason: FailureReason, detail: string): Init {
  return { ...base(task, bot, usage), status: OutcomeStatus.FAILED, failureReason: reason, failureDetail: detail.slice(0, 2000) };
}

/** The metric label of an outcome: replied, or the failure reason in lower case. */
export function statusLabel(outcome: Init): string {
  if (outcome.status === OutcomeStatus.REPLIED) return 'replied';
  const name = Object.entries(FailureReason).find(([, v]) => v === outcome.failureReason)?.[0] ?? 'unspecified';
  return name.toLowerCase();
}

export type { BotOutcome };
