// From a reply task to what the provider sees: the post, its thread, the author and the chosen
// person (profiles, recent posts, why they were chosen), the bot's persona and settings.
import type { ReplyTask } from '@botsky/contracts';
import type { BotAccount } from '../accounts/bot-account.ts';
import { modelName } from '../accounts/roster.ts';
import { MAX_GRAPHEMES } from '../output/check.ts';
import type { ReplyRequest } from '../providers/types.ts';
import { postText, threadOf, type PersonCache } from './fetch-context.ts';

export async function buildReplyRequest(account: BotAccount, task: ReplyTask, people: PersonCache): Promise<ReplyRequest> {
  const { agent, bot } = account;
  const mention = task.mention;
  const [text, thread, author, person] = await Promise.all([
    postText(agent, task),
    threadOf(agent, task),
    people.get(agent, task.authorDid, task.authorHandle),
    mention ? people.get(agent, mention.did, mention.handle) : Promise.resolve(undefined),
  ]);
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
