// The sandbox a new or changed bot passes before it goes live: it answers sample posts drawn from
// the simulated population (@botsky/population, seeded by the bot's id and version, so a re-run
// asks the same), every other one asking it to introduce a second person, through the same path
// as a real task (prompt, model, output check with its one retry, moderation) within the bot's
// timeout. Nothing is posted. It passes when every sample came out acceptable; the report keeps
// each reply and each rejection's reason for the builder.
import type { SandboxItem } from '@botsky/contracts';
import { composePost, decisionRandom, decisionSeed, generatePopulation, type Person } from '@botsky/population';
import { MAX_GRAPHEMES } from '../output/check.ts';
import type { Moderator } from '../moderation/moderate.ts';
import type { PersonContext, Provider, ReplyRequest } from '../providers/types.ts';
import { modelName } from '../accounts/roster.ts';
import { generateChecked } from '../tasks/generate.ts';
import type { BotEntry } from './load.ts';

/** Where the sample people's handles live: .test is reserved (RFC 6761), so no real account is ever named. */
const SAMPLE_DOMAIN = 'sandbox.test';

export interface SandboxDeps {
  provider: Provider;
  moderator: Moderator;
  samples: number;
  /** The bot account's handle (the model may recognise itself). */
  botHandle: string;
  /** Bound on one sample (all its attempts): the bot's call timeout, with room for its retry. */
  timeoutMs: number;
  signal: AbortSignal;
}

export async function runSandbox(bot: BotEntry, version: number, deps: SandboxDeps): Promise<SandboxItem[]> {
  const items: SandboxItem[] = [];
  for (const req of sampleRequests(bot, version, deps)) {
    const signal = AbortSignal.any([deps.signal, AbortSignal.timeout(deps.timeoutMs)]);
    const started = performance.now();
    const g = await generateChecked(req, { provider: deps.provider, moderator: deps.moderator, priceOf: () => undefined, signal });
    const base = { post: req.post.text, ...(req.mention ? { mention: req.mention.handle } : {}), attempts: g.attempts };
    const latencyMs = Math.round(performance.now() - started);
    if (g.ok) items.push({ ...base, reply: g.text, ok: true, latencyMs });
    else {
      const timedOut = signal.aborted && !deps.signal.aborted;
      items.push({ ...base, ok: false, reason: timedOut ? `no acceptable reply within ${deps.timeoutMs} ms` : g.detail, latencyMs });
    }
    deps.signal.throwIfAborted();
  }
  return items;
}

export function sampleRequests(bot: BotEntry, version: number, deps: Pick<SandboxDeps, 'samples' | 'botHandle'>): ReplyRequest[] {
  const seed = decisionSeed(0, 'sandbox', bot.id, version);
  const people = generatePopulation({ size: 2 * deps.samples, seed });
  const rand = decisionRandom(seed, 'posts');
  return Array.from({ length: deps.samples }, (_, i) => {
    const author = people[2 * i] as Person;
    const other = people[2 * i + 1] as Person;
    const post = composePost(author, rand).text;
    const req: ReplyRequest = {
      taskId: `sandbox-${bot.id}-${version}-${i}`,
      botId: bot.id,
      model: modelName(bot.provider),
      systemPrompt: bot.systemPrompt,
      post: { uri: '', text: post },
      thread: [],
      author: { ...context(author), activeRecently: true },
      mention:
        i % 2 === 1
          ? { ...context(other), reason: `they also post about ${[...other.interests.keys()].join(' and ')}`, similarity: 0.5 }
          : undefined,
      maxGraphemes: MAX_GRAPHEMES,
      allowLinks: bot.allowLinks,
      botHandle: deps.botHandle,
      langs: ['en'],
    };
    if (bot.temperature !== undefined) req.temperature = bot.temperature;
    if (bot.maxTokens !== undefined) req.maxTokens = bot.maxTokens;
    return req;
  });
}

function context(p: Person): PersonContext {
  const handle = `${p.name}.${SAMPLE_DOMAIN}`;
  return {
    handle,
    did: `did:plc:${p.name
      .replace(/[^a-z0-9]/g, '')
      .padEnd(24, 'a')
      .slice(0, 24)}`,
    recentPosts: [],
    interests: [...p.interests.keys()],
  };
}
