// One reply from the bot's model, checked: whatever the model says, only text that passes the
// output check and then moderation comes out of here. A rejected reply (by either) gets one
// retry, told why it was rejected; a second rejection fails the task with that reason.
import type { Facet } from '@atproto/api';
import { moderationInput, type Moderator } from '../moderation/moderate.ts';
import { checkReply } from '../output/check.ts';
import { ProviderError } from '../providers/errors.ts';
import { buildPrompt } from '../providers/prompt.ts';
import type { Provider, ReplyRequest, ReplyResult } from '../providers/types.ts';

export const MAX_ATTEMPTS = 2;

export interface Usage {
  model: string;
  tokensIn: number;
  tokensOut: number;
  costUsd: number | undefined;
  latencyMs: number;
  attempts: number;
}

export type Generated =
  | ({ ok: true; text: string; facets: Facet[] } & Usage)
  | ({ ok: false; kind: 'rejected'; detail: string } & Usage)
  | ({ ok: false; kind: 'provider'; error: ProviderError; detail: string } & Usage)
  /** Moderation's provider gave no verdict: nothing may be posted, the task is worth trying later. */
  | ({ ok: false; kind: 'moderation-unavailable'; error: ProviderError; detail: string } & Usage);

export interface GenerateDeps {
  provider: Provider;
  /** Cost of one call from its token counts (the registry's price), or undefined when unknown. */
  priceOf: (r: { tokensIn: number; tokensOut: number; costUsd?: number }) => number | undefined;
  signal: AbortSignal;
  /** The moderation step (src/moderation/), run on every reply that passes the output check. */
  moderator: Moderator;
}

export async function generateChecked(req: ReplyRequest, deps: GenerateDeps): Promise<Generated> {
  const usage: Usage = { model: req.model, tokensIn: 0, tokensOut: 0, costUsd: undefined, latencyMs: 0, attempts: 0 };
  let retryReason: string | undefined;
  // The whole system message (the persona and BotSky's rules), so that neither can be leaked.
  const systemPrompt = buildPrompt(req).system;
  while (usage.attempts < MAX_ATTEMPTS) {
    usage.attempts++;
    const started = performance.now();
    let result: ReplyResult;
    try {
      result = await deps.provider.generate(retryReason ? { ...req, retryReason } : req, deps.signal);
    } catch (err) {
      usage.latencyMs += performance.now() - started;
      const error =
        err instanceof ProviderError
          ? err
          : new ProviderError((err as Error).message, { provider: deps.provider.name, reason: 'malformed', retryable: false, cause: err });
      return { ok: false, kind: 'provider', error, detail: error.message, ...usage };
    }
    usage.latencyMs += performance.now() - started;
    addUsage(usage, result, deps);
    const check = checkReply(result.text, {
      mention: req.mention,
      allowLinks: req.allowLinks,
      systemPrompt,
      maxGraphemes: req.maxGraphemes,
    });
    // --- moderation hook: a reply that passed the output check is posted only if moderation passes it too.
    if (check.ok) {
      const verdict = await deps.moderator.moderate(moderationInput(req, check.text), deps.signal);
      if (verdict.kind === 'pass') return { ok: true, text: check.text, facets: check.facets, ...usage };
      if (verdict.kind === 'unavailable')
        return { ok: false, kind: 'moderation-unavailable', error: verdict.error, detail: verdict.detail, ...usage };
      retryReason = verdict.retryReason;
      continue;
    }
    // --- end of the moderation hook
    retryReason = check.reasons.join('; ');
  }
  return { ok: false, kind: 'rejected', detail: `output rejected twice: ${retryReason}`, ...usage };
}

function addUsage(
  usage: Usage,
  result: { model: string; tokensIn: number; tokensOut: number; costUsd?: number },
  deps: GenerateDeps,
): void {
  usage.model = result.model || usage.model;
  usage.tokensIn += result.tokensIn;
  usage.tokensOut += result.tokensOut;
  const c = deps.priceOf(result);
  if (c !== undefined) usage.costUsd = (usage.costUsd ?? 0) + c;
}
