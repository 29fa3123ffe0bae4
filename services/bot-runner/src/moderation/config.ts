// Moderation's variables (docs/configuration.md#moderation), part of bot-runner's config spec, and
// the provider they describe, made once at start-up. The local rules need no settings: they always run.
import { ConfigError, duration, int, oneOf, secret, string, url, type Secret } from '@botsky/kit';
import { OpenAIModeration, type ModerationProvider } from './openai.ts';

export const moderationConfigSpec = {
  moderationProvider: oneOf('BOTSKY_MODERATION_PROVIDER', ['none', 'openai'] as const).default('none'),
  moderationOpenAIBaseUrl: url('BOTSKY_MODERATION_OPENAI_BASE_URL', { protocols: ['http', 'https'] }).default('https://api.openai.com/v1'),
  moderationOpenAIApiKey: secret('BOTSKY_MODERATION_OPENAI_API_KEY').optional(),
  moderationOpenAIModel: string('BOTSKY_MODERATION_OPENAI_MODEL', {
    pattern: /^[A-Za-z0-9._:/-]{1,100}$/,
    expected: 'a model name (A-Z, a-z, 0-9, . _ : / -)',
  }).default('omni-moderation-latest'),
  // Per attempt; with the retries it stays well inside a task's 120 s generation bound.
  moderationTimeoutMs: duration('BOTSKY_MODERATION_TIMEOUT', { min: 100, max: 60_000 }).default(10_000),
  moderationMaxRetries: int('BOTSKY_MODERATION_MAX_RETRIES', { min: 0, max: 5 }).default(2),
};

export interface ModerationSettings {
  moderationProvider: 'none' | 'openai';
  moderationOpenAIBaseUrl: string;
  moderationOpenAIApiKey: Secret | undefined;
  moderationOpenAIModel: string;
  moderationTimeoutMs: number;
  moderationMaxRetries: number;
}

/** The configured provider, or undefined for `none`; a provider without its key stops start-up. */
export function moderationProvider(config: ModerationSettings): ModerationProvider | undefined {
  if (config.moderationProvider === 'none') return undefined;
  const apiKey = config.moderationOpenAIApiKey;
  if (!apiKey) {
    throw new ConfigError([
      { variable: 'BOTSKY_MODERATION_OPENAI_API_KEY', problem: 'is required when BOTSKY_MODERATION_PROVIDER is openai' },
    ]);
  }
  return new OpenAIModeration({
    apiKey: apiKey.reveal(),
    baseURL: config.moderationOpenAIBaseUrl.replace(/\/+$/, ''),
    model: config.moderationOpenAIModel,
    timeoutMs: config.moderationTimeoutMs,
    maxRetries: config.moderationMaxRetries,
  });
}
