// botsky.tasks.reply: one reply task in, at most one reply posted, one BotOutcome out, then ack.
// Order matters for exactly-once: the reply (under a key derived from the task id) is on the PDS
// before the outcome is published (msgId = task id), and the ack comes after both; a task
// redelivered at any point finds the reply already posted and only republishes the outcome.
import { decodeMessage, PoisonMessageError, type Bus, type BusMessage, type Disposition } from '@botsky/bus';
import { BotOutcomeSchema, encode, FailureReason, ReplyTaskSchema, SUBJECTS, type ReplyTask } from '@botsky/contracts';
import type { Identities } from '@botsky/identity';
import type { Logger } from '@botsky/kit';
import type { BotAccount } from '../accounts/bot-account.ts';
import { rosterEntry } from '../accounts/roster.ts';
import { WRITE_COST, type BudgetUsage } from '../budget/ledger.ts';
import type { SharedBudget } from '../budget/shared.ts';
import type { BotRunnerMetrics } from '../metrics.ts';
import type { Moderator } from '../moderation/moderate.ts';
import type { Price } from '../providers/pricing.ts';
import { replyCost } from '../providers/pricing.ts';
import type { Provider } from '../providers/types.ts';
import { buildReplyRequest } from '../tasks/build-request.ts';
import type { ContextReader } from '../tasks/fetch-context.ts';
import { generateChecked, type Generated } from '../tasks/generate.ts';
import { failedOutcome, repliedOutcome, statusLabel, toOutcome, type OutcomeBot, type OutcomeInit } from '../tasks/outcome.ts';
import { createReply, existingReply, PostError } from '../tasks/post-reply.ts';
import { withVerifiedMention } from '../tasks/mention.ts';
import { replyRecordKey } from '../tasks/record-key.ts';

export interface BotRuntime {
  account: BotAccount;
  provider: Provider;
  price: Price | undefined;
}

export interface ReplyTaskDeps {
  bus: Bus;
  bots: ReadonlyMap<string, BotRuntime>;
  budget: SharedBudget;
  metrics: BotRunnerMetrics;
  logger: Logger;
  /** The consumer's maxDeliver: on the last delivery a task is settled, never put back. */
  maxDeliver: number;
  /** Longest a task is put back for when its account is out of budget (it is checked again then). */
  budgetRecheckMaxMs: number;
  /** Profiles, recent posts and threads, from where each repository lives. */
  reader: ContextReader;
  /** Bound on one generation (all attempts). */
  generateTimeoutMs: number;
  /** Moderation, run on every reply before it is posted. */
  moderator: Moderator;
  identities: Identities;
  /** Which bots an operator paused (`botsky bots pause`), as this replica last read it. */
  paused: { isPaused(botId: string): boolean };
  /** The self-service registry as this replica follows it: a task for a bot it has, not (yet) started here, is put back. */
  registry?: { knows(botId: string): boolean };
}

/** How soon a task for a registered bot this replica has not started yet is offered again. */
const NOT_STARTED_RETRY_MS = 2000;

type Init = OutcomeInit;

export function replyTaskHandler(deps: ReplyTaskDeps): (msg: BusMessage) => Promise<Disposition | void> {
  return async (msg) => {
    const task = decodeTask(msg, deps);
    const bot = deps.bots.get(task.botId);
    if (!bot && deps.registry?.knows(task.botId) && msg.deliveryCount < deps.maxDeliver) {
      deps.metrics.registryEvents.inc({ event: 'task_put_back' });
      return { kind: 'nak', delayMs: NOT_STARTED_RETRY_MS };
    }
    if (!bot) {
      deps.metrics.rejected.inc({ reason: 'unknown-bot' });
      throw new PoisonMessageError(`task ${task.taskId}: bot "${task.botId}" is not in this bot-runner's registry`);
    }
    if (msg.deliveryCount > 1) deps.metrics.redeliveries.inc({ bot: task.botId });
    const result = await runTask(task, bot, msg, deps);
    if (result.kind === 'nak') return result;
    await publishOutcome(result.outcome, bot, deps);
    return { kind: 'ack' };
  };
}

function decodeTask(msg: BusMessage, deps: ReplyTaskDeps): ReplyTask {
  try {
    return decodeMessage(msg, ReplyTaskSchema);
  } catch (err) {
    if (err instanceof PoisonMessageError) deps.metrics.rejected.inc({ reason: 'undecodable' });
    throw err;
  }
}

// A nak without a delay takes the consumer's retry delays (5 s, 30 s, 2 min).
type TaskResult = { kind: 'nak'; delayMs?: number } | { kind: 'done'; outcome: Init };

async function runTask(task: ReplyTask, bot: BotRuntime, msg: BusMessage, deps: ReplyTaskDeps): Promise<TaskResult> {
  const { account } = bot;
  const who = outcomeBot(bot);
  const { rkey, existing } = await recordKeyFor(task, account);
  if (existing) return done(repliedOutcome(task, who, {}, existing, existing.text, existing.facets));
  if (task.deadlineUs > 0n && BigInt(Date.now()) * 1000n > task.deadlineUs) {
    return done(failedOutcome(task, who, {}, FailureReason.STALE, 'the task deadline passed before it ran'));
  }
  if (deps.paused.isPaused(who.id)) return pausedOutcome(task, who, {}, deps);
  // A post deleted since the task was made is not answered, and its words go to no model.
  if ((await deps.reader.postExists(task)) === false)
    return done(failedOutcome(task, who, {}, FailureReason.POST_DELETED, 'the post was deleted before the reply'));
  const lastDelivery = msg.deliveryCount >= deps.maxDeliver;
  const grant = await deps.budget.reserve(account.did, WRITE_COST.create);
  reportBudget(account, grant.usage, deps);
  if (!grant.ok) return budgetWait(task, who, grant.retryAfterMs, lastDelivery, deps);
  const checked = await withVerifiedMention(task, deps.identities);
  if (checked.dropped) deps.metrics.mentionsDropped.inc({ bot: who.id, reason: checked.dropped });
  const generated = await generateChecked(await buildReplyRequest(account, checked.task, deps.reader), {
    provider: bot.provider,
    priceOf: (r) => replyCost({ text: '', model: '', ...r }, bot.price),
    signal: AbortSignal.timeout(deps.generateTimeoutMs),
    moderator: deps.moderator,
  });
  recordUsage(bot, generated, deps);
  if (!generated.ok) return generationFailed(task, who, generated, lastDelivery, deps);
  // Generation takes seconds: a pause that arrived meanwhile still keeps the reply off the network.
  if (deps.paused.isPaused(who.id)) return pausedOutcome(task, who, generated, deps);
  const result = await post(task, bot, rkey, generated, lastDelivery);
  if (result.kind === 'done' && result.outcome.reply) observePostToReply(task, who.id, deps);
  return result;
}

const done = (outcome: Init): TaskResult => ({ kind: 'done', outcome });

/** A paused bot's task is settled, not kept: its battle is not decided, and nothing waits for a resume. */
function pausedOutcome(task: ReplyTask, who: OutcomeBot, usage: Parameters<typeof failedOutcome>[2], deps: ReplyTaskDeps): TaskResult {
  deps.metrics.paused.inc({ bot: who.id });
  return done(failedOutcome(task, who, usage, FailureReason.PAUSED, 'the bot is paused (botsky bots pause)'));
}

/** The task's record key, and the reply already under it; a key taken by another post's reply is salted. */
async function recordKeyFor(
  task: ReplyTask,
  account: BotAccount,
): Promise<{ rkey: string; existing?: Awaited<ReturnType<typeof existingReply>> }> {
  const parent = task.replyTo?.parent?.uri ?? task.postRef?.uri ?? '';
  for (let salt = 0; ; salt++) {
    const rkey = replyRecordKey(salt === 0 ? task.taskId : `${task.taskId}#${salt}`, task.createdAtUs);
    const existing = await existingReply(account.agent, account.did, rkey);
    if (!existing) return { rkey };
    if (existing.parentUri === parent || salt >= 3) return { rkey, existing };
  }
}

function budgetWait(task: ReplyTask, who: OutcomeBot, retryAfterMs: number, lastDelivery: boolean, deps: ReplyTaskDeps): TaskResult {
  const deadlineMs = task.deadlineUs > 0n ? Number(task.deadlineUs / 1000n) : Number.POSITIVE_INFINITY;
  if (lastDelivery || Date.now() + retryAfterMs > deadlineMs) {
    return done(
      failedOutcome(
        task,
        who,
        {},
        FailureReason.BUDGET_EXHAUSTED,
        `no write budget for ${Math.ceil(retryAfterMs / 1000)} s, past the task's deadline`,
      ),
    );
  }
  deps.metrics.budgetWaits.inc({ bot: who.id });
  return { kind: 'nak', delayMs: Math.max(1000, Math.min(retryAfterMs, deps.budgetRecheckMaxMs)) };
}

function generationFailed(
  task: ReplyTask,
  who: OutcomeBot,
  g: Exclude<Generated, { ok: true }>,
  lastDelivery: boolean,
  deps: ReplyTaskDeps,
): TaskResult {
  if (g.kind === 'rejected') return done(failedOutcome(task, who, g, FailureReason.OUTPUT_REJECTED, g.detail));
  if (g.kind === 'moderation-unavailable') return moderationUnavailable(task, who, g, lastDelivery, deps);
  if (g.error.retryable && !lastDelivery) {
    deps.logger.warn({ task: task.taskId, bot: who.id, err: g.error }, 'provider failed; the task will be retried');
    return { kind: 'nak', delayMs: g.error.retryAfterMs ?? 5000 };
  }
  const reason = g.error.reason === 'timeout' ? FailureReason.TIMEOUT : FailureReason.MODEL_ERROR;
  return done(failedOutcome(task, who, g, reason, g.detail));
}

/**
 * Moderation could not judge the reply: it is not posted (fail closed). The task goes back, after
 * the provider's retry-after or the consumer's retry delays, and is settled as OUTPUT_REJECTED
 * only on its last delivery or when waiting cannot help (a bad key, a malformed answer).
 */
function moderationUnavailable(
  task: ReplyTask,
  who: OutcomeBot,
  g: Extract<Generated, { kind: 'moderation-unavailable' }>,
  lastDelivery: boolean,
  deps: ReplyTaskDeps,
): TaskResult {
  if (g.error.retryable && !lastDelivery) {
    deps.logger.warn(
      { task: task.taskId, bot: who.id, err: g.error },
      'moderation unavailable; the reply is not posted and the task will be retried',
    );
    return g.error.retryAfterMs === undefined ? { kind: 'nak' } : { kind: 'nak', delayMs: Math.max(1000, g.error.retryAfterMs) };
  }
  deps.logger.error({ task: task.taskId, bot: who.id, err: g.error }, 'moderation unavailable; the reply is not posted and the task fails');
  return done(failedOutcome(task, who, g, FailureReason.OUTPUT_REJECTED, g.detail));
}

async function post(
  task: ReplyTask,
  bot: BotRuntime,
  rkey: string,
  g: Extract<Generated, { ok: true }>,
  lastDelivery: boolean,
): Promise<TaskResult> {
  const who = outcomeBot(bot);
  const root = task.replyTo?.root ?? task.postRef;
  const parent = task.replyTo?.parent ?? task.postRef;
  if (!root?.uri || !parent?.uri)
    return done(failedOutcome(task, who, g, FailureReason.POST_ERROR, 'the task has no post reference to reply to'));
  const refs = { root: { uri: root.uri, cid: root.cid }, parent: { uri: parent.uri, cid: parent.cid } };
  try {
    const ref = await createReply(bot.account.agent, bot.account.did, rkey, {
      text: g.text,
      facets: g.facets,
      reply: refs,
      langs: task.post?.langs ?? [],
    });
    return done(repliedOutcome(task, who, g, { uri: ref.uri, cid: ref.cid }, g.text, g.facets));
  } catch (err) {
    if (err instanceof PostError && err.retryable && !lastDelivery) throw err;
    return done(failedOutcome(task, who, g, FailureReason.POST_ERROR, (err as Error).message));
  }
}

// The post's own time (the author's clock, so a post dated ahead counts as 0), else the task's.
function observePostToReply(task: ReplyTask, bot: string, deps: ReplyTaskDeps): void {
  const fromUs = task.post && task.post.createdAtUs > 0n ? task.post.createdAtUs : task.createdAtUs;
  if (fromUs <= 0n) return;
  deps.metrics.postToReply.observe({ bot }, Math.max(0, Date.now() - Number(fromUs / 1000n)) / 1000);
}

function outcomeBot(bot: BotRuntime): OutcomeBot {
  const r = rosterEntry(bot.account);
  return { id: r.id, provider: r.provider, model: r.model };
}

function recordUsage(bot: BotRuntime, g: Generated, deps: ReplyTaskDeps): void {
  const id = bot.account.bot.id;
  deps.metrics.llmLatency.observe({ provider: outcomeBot(bot).provider }, g.latencyMs / 1000);
  deps.metrics.tokens.inc({ bot: id, direction: 'in' }, g.tokensIn);
  deps.metrics.tokens.inc({ bot: id, direction: 'out' }, g.tokensOut);
  if (g.costUsd) deps.metrics.cost.inc({ bot: id }, g.costUsd);
  if (!g.ok && g.kind === 'provider') deps.metrics.modelErrors.inc({ bot: id, reason: g.error.reason });
}

function reportBudget(account: BotAccount, usage: BudgetUsage, deps: ReplyTaskDeps): void {
  for (const [window, used] of Object.entries(usage.used)) deps.metrics.budget.set({ account: account.handle, window }, used);
}

async function publishOutcome(init: Init, bot: BotRuntime, deps: ReplyTaskDeps): Promise<void> {
  const outcome = toOutcome(init);
  await deps.bus.publish(SUBJECTS.botOutcome, encode(BotOutcomeSchema, outcome), { msgId: outcome.taskId });
  deps.metrics.replies.inc({ bot: bot.account.bot.id, status: statusLabel(init) });
  if (outcome.failureDetail)
    deps.logger.info(
      { task: outcome.taskId, bot: outcome.botId, reason: statusLabel(init), detail: outcome.failureDetail },
      'reply task failed',
    );
}
