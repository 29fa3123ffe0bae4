// A self-service bot (the KV registry's entry, @botsky/contracts bot-registry.ts) as bot-runner
// runs it: the same BotEntry the file registry gives, its secrets opened with the registry's
// Sealer. A gateway model becomes an OpenAI-compatible provider pointed at BOTSKY_GATEWAY_URL and
// called with the bot's gateway key, so its spend counts against its builder's limits.
import type { RegisteredBot } from '@botsky/contracts';
import { Secret, type Sealer } from '@botsky/kit';
import { checkSpec, type ProviderSpec } from '../providers/index.ts';
import { type BotEntry, RegistryError } from './load.ts';

export function registeredBotEntry(bot: RegisteredBot, sealer: Sealer, gatewayUrl: string | undefined): BotEntry {
  const open = (sealed: string, what: string): Secret => {
    const text = sealer.open(sealed);
    if (text === undefined)
      throw new RegistryError(`bot "${bot.id}": its ${what} does not open with BOTSKY_REGISTRY_SECRET (sealed under another secret?)`);
    return new Secret(text);
  };
  const p = bot.provider;
  let provider: ProviderSpec;
  if (p.kind === 'gateway') {
    if (!gatewayUrl)
      throw new RegistryError(`bot "${bot.id}": calls gateway model ${p.model}, but this bot-runner has no BOTSKY_GATEWAY_URL`);
    provider = {
      kind: 'openai',
      baseURL: `${gatewayUrl.replace(/\/$/, '')}/v1`,
      model: p.model,
      apiKey: open(p.apiKeySealed, 'gateway key'),
    };
  } else {
    provider = { kind: 'grpc', address: p.address, ...(p.tls !== undefined ? { tls: p.tls } : {}) };
    if (p.tokenSealed) provider.token = open(p.tokenSealed, 'gRPC token');
  }
  if (bot.timeoutMs !== undefined) provider.timeoutMs = bot.timeoutMs;
  try {
    checkSpec(provider);
  } catch (err) {
    throw new RegistryError(`bot "${bot.id}": provider is invalid: ${(err as Error).message}`, { cause: err });
  }
  const entry: BotEntry = {
    id: bot.id,
    handle: bot.handle,
    appPassword: open(bot.appPasswordSealed, 'app password'),
    provider,
    systemPrompt: bot.systemPrompt,
    allowLinks: bot.allowLinks,
  };
  if (bot.service !== undefined) entry.service = bot.service;
  if (bot.temperature !== undefined) entry.temperature = bot.temperature;
  if (bot.maxTokens !== undefined) entry.maxTokens = bot.maxTokens;
  return entry;
}
