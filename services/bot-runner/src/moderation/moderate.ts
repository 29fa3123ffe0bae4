// The moderation step, run on every reply that passed the output check and before it is posted:
// the local rules always, then the provider when one is configured (not asked about a reply the
// local rules already rejected). Every rejected reply is counted by bot and reason, and so is
// every reply the provider could not judge: then nothing is posted (fail closed) and the caller
// puts the task back, as it does when a model provider fails.
import { ProviderError } from '../providers/errors.ts';
import type { ReplyRequest } from '../providers/types.ts';
import { checkLocal, type ModerationInput } from './local.ts';
import type { ModerationProvider } from './openai.ts';
import { explain, providerReason, UNAVAILABLE } from './reasons.ts';

export type Verdict =
  | { kind: 'pass' }
  /** Not to be posted; `retryReason` is what the model is told on its retry. */
  | { kind: 'rejected'; reason: string; retryReason: string }
  /** The provider gave no verdict: not to be posted, the task to be tried again later. */
  | { kind: 'unavailable'; error: ProviderError; detail: string };

export interface Moderator {
  moderate(input: ModerationInput, signal: AbortSignal): Promise<Verdict>;
}

export interface ModeratorDeps {
  /** The provider-backed check, when BOTSKY_MODERATION_PROVIDER names one. */
  provider: ModerationProvider | undefined;
  /** botsky_botrunner_moderation_rejected_total */
  rejected: { inc(labels: { bot: string; reason: string }): void };
}

export function createModerator(deps: ModeratorDeps): Moderator {
  const reject = (bot: string, reason: string): Verdict => {
    deps.rejected.inc({ bot, reason });
    return { kind: 'rejected', reason, retryReason: explain(reason) };
  };
  return {
    async moderate(input, signal) {
      const local = checkLocal(input);
      if (local) return reject(input.botId, local);
      if (!deps.provider) return { kind: 'pass' };
      let category: string | undefined;
      try {
        category = await deps.provider.check(input.reply, signal);
      } catch (err) {
        deps.rejected.inc({ bot: input.botId, reason: UNAVAILABLE });
        const error =
          err instanceof ProviderError
            ? err
            : new ProviderError(String(err), { provider: deps.provider.name, reason: 'server-error', retryable: true, cause: err });
        return { kind: 'unavailable', error, detail: `${UNAVAILABLE}: ${error.message}` };
      }
      return category === undefined ? { kind: 'pass' } : reject(input.botId, providerReason(deps.provider.name, category));
    },
  };
}

/**
 * What moderation needs from a request: the reply's text, the post, and the thread's texts (a
 * thread entry may be a text or a post with a `text`), which is what the reply may repeat.
 */
export function moderationInput(
  req: Pick<ReplyRequest, 'botId' | 'post'> & { thread: readonly unknown[] },
  reply: string,
): ModerationInput {
  const thread = req.thread.flatMap((p) => {
    if (typeof p === 'string') return [p];
    const text = typeof p === 'object' && p !== null ? (p as { text?: unknown }).text : undefined;
    return typeof text === 'string' ? [text] : [];
  });
  return { botId: req.botId, reply, post: req.post.text, thread };
}
