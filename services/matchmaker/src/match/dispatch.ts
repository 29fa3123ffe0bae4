// Turns a decision into messages and publishes them exactly once per post: the decision is
// claimed in KV first (the first replica wins), then its tasks and its MatchDecision event are
// published with deterministic msgIds, then it is marked published. A replay that finds the
// claim re-publishes the stored messages while they may be unpublished (the bus drops the
// duplicates), and nothing once they are published.
import {
  create,
  encode,
  MatchDecisionSchema,
  MatchVerdict,
  nowUs,
  ReplyTaskSchema,
  SUBJECTS,
  decode,
  type MatchDecision,
  type MentionCandidate,
  type NetworkEvent,
  type Post,
  type ReplyTask,
} from '@botsky/contracts';
import type { OutgoingMessage } from '@botsky/bus';
import type { MatchmakerContext } from '../context.ts';
import type { BattleSampling } from '../selection/index.ts';
import type { StoredDecision } from '../state/decisions.ts';

/** A reply that has not gone out this long after the decision is stale (bot-runner drops it). */
export const TASK_TTL_MS = 30 * 60_000;

export interface SideDecision {
  botId: string;
  botDid: string;
  taskId: string;
  mention: MentionCandidate | undefined;
  noMentionReason: string;
  candidates: MentionCandidate[];
}

export interface DispatchPlan {
  decisionId: string;
  battleId: string;
  reason: string;
  sides: SideDecision[];
  /** In a battle, the probability of its pair (given a battle) and how it was drawn; else 0 and ''. */
  pairProbability: number;
  sampling: '' | BattleSampling;
}

/** What the tasks say of the author besides their DID: a verified handle ('' when none) and their interests. */
export interface AuthorView {
  handle: string;
  interests: string[];
}

export function buildTasks(ev: NetworkEvent, post: Post, plan: DispatchPlan, author: AuthorView): ReplyTask[] {
  const created = nowUs();
  const self = { uri: ev.uri, cid: ev.cid };
  return plan.sides.map((side, slot) =>
    create(ReplyTaskSchema, {
      taskId: side.taskId,
      postRef: self,
      post,
      authorDid: ev.did,
      authorHandle: author.handle,
      authorInterests: author.interests,
      replyTo: { root: post.reply?.root ?? self, parent: self },
      botId: side.botId,
      botDid: side.botDid,
      mention: side.mention,
      noMentionReason: side.noMentionReason,
      battleId: plan.battleId,
      createdAtUs: created,
      deadlineUs: created + BigInt(TASK_TTL_MS) * 1000n,
      slot,
      battlePairProbability: plan.pairProbability,
      battleSampling: plan.sampling,
    }),
  );
}

export function buildDecision(ev: NetworkEvent, plan: DispatchPlan): MatchDecision {
  const seen = new Set<string>();
  const candidates = plan.sides.flatMap((s) => s.candidates).filter((c) => !seen.has(c.did) && seen.add(c.did));
  return create(MatchDecisionSchema, {
    decisionId: plan.decisionId,
    postRef: { uri: ev.uri, cid: ev.cid },
    authorDid: ev.did,
    verdict: MatchVerdict.DISPATCHED,
    reason: plan.reason,
    botIds: plan.sides.map((s) => s.botId),
    taskIds: plan.sides.map((s) => s.taskId),
    battleId: plan.battleId,
    candidates,
    chosen: plan.sides.find((s) => s.mention)?.mention,
    decidedAtUs: nowUs(),
  });
}

export function skippedDecision(ev: NetworkEvent, decisionId: string, reason: string): MatchDecision {
  return create(MatchDecisionSchema, {
    decisionId,
    postRef: { uri: ev.uri, cid: ev.cid },
    authorDid: ev.did,
    verdict: MatchVerdict.SKIPPED,
    reason,
    decidedAtUs: nowUs(),
  });
}

function messages(stored: StoredDecision): OutgoingMessage[] {
  const tasks = stored.tasks.map((data) => ({ subject: SUBJECTS.replyTask, data, msgId: decode(ReplyTaskSchema, data).taskId }));
  const decision = decode(MatchDecisionSchema, stored.decision);
  return [...tasks, { subject: SUBJECTS.matchDecision, data: stored.decision, msgId: decision.decisionId }];
}

/** Publishes a decision already claimed (or found) in KV, unless it went out already. */
export async function publishStored(ctx: MatchmakerContext, id: string, stored: StoredDecision): Promise<boolean> {
  if (stored.published) return false;
  await ctx.bus.publishMany(messages(stored));
  await ctx.decisions.markPublished(id, stored);
  return true;
}

/** Claims the decision; publishes ours, or the winner's when another replica got there first. */
export async function claimAndPublish(ctx: MatchmakerContext, tasks: ReplyTask[], decision: MatchDecision): Promise<{ won: boolean }> {
  const mine: StoredDecision = {
    tasks: tasks.map((t) => encode(ReplyTaskSchema, t)),
    decision: encode(MatchDecisionSchema, decision),
    published: false,
  };
  const { won, decision: stored } = await ctx.decisions.claim(decision.decisionId, mine);
  await publishStored(ctx, decision.decisionId, stored);
  return { won };
}

export async function publishSkipped(ctx: MatchmakerContext, decision: MatchDecision): Promise<void> {
  await ctx.bus.publish(SUBJECTS.matchDecision, encode(MatchDecisionSchema, decision), { msgId: decision.decisionId });
}
