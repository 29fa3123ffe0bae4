// From a reply task to what the provider sees: the post, its thread with its authors, the author
// and the chosen person (interests from matchmaker's profiles, profiles and recent posts from
// where their repositories live, whether they were active lately, why the person was chosen),
// the bot's persona and settings.
import type { ReplyTask } from '@botsky/contracts';
import type { BotAccount } from '../accounts/bot-account.ts';
import { modelName } from '../accounts/roster.ts';
import { MAX_GRAPHEMES } from '../output/check.ts';
import type { ReplyRequest } from '../providers/types.ts';
import { mentionHints, type ContextReader } from './fetch-context.ts';

export async function buildReplyRequest(account: BotAccount, task: ReplyTask, reader: ContextReader): Promise<ReplyRequest> {
  const { bot } = account;
  const mention = task.mention;
  // The author just posted: active now, as of the post (or the task when the post has no time).
  const postedUs = task.post && task.post.createdAtUs > 0n ? task.post.createdAtUs : task.createdAtUs;
  const [text, thread, author, person] = await Promise.all([
    reader.postText(task),
    reader.thread(task),
    reader.person(task.authorDid, {
      handle: task.authorHandle,
      interests: task.authorInterests,
      ...(postedUs > 0n ? { lastActiveMs: Number(postedUs / 1000n) } : {}),
    }),
    mention ? reader.person(mention.did, mentionHints(mention)) : Promise.resolve(undefined),
  ]);
  if (postedUs > 0n) author.activeRecently = true;
  const req: ReplyRequest = {
    taskId: task.taskId,
    botId: bot.id,
    model: modelName(bot.provider),
    systemPrompt: bot.systemPrompt,
    post: { uri: task.postRef?.uri ?? '', text },
    thread,
    author,
    mention: person && mention ? { ...person, handle: mention.handle, reason: mention.reason, similarity: mention.similarity } : undefined,
    maxGraphemes: MAX_GRAPHEMES,
    allowLinks: bot.allowLinks,
    botHandle: account.handle,
    langs: task.post?.langs ?? [],
  };
  if (bot.temperature !== undefined) req.temperature = bot.temperature;
  if (bot.maxTokens !== undefined) req.maxTokens = bot.maxTokens;
  return req;
}
