// The providers: what a bot's reply is written by. `createProvider(spec)` builds one from the
// registry's spec; the classes are exported for tests and for wiring by hand.
export type { PersonContext, Provider, ReplyRequest, ReplyResult } from './types.ts';
export { ProviderError, type ProviderFailure } from './errors.ts';
export { createProvider, checkSpec, PROVIDER_KINDS, ProviderSpecError } from './factory.ts';
export type { AnthropicSpec, CallLimits, GrpcSpec, OfflineSpec, OpenAISpec, ProviderKind, ProviderSpec, SecretValue } from './factory.ts';
export { cost, replyCost, PriceError, type Price } from './pricing.ts';
export { buildPrompt, escapeData, type ChatPrompt } from './prompt.ts';
export { OpenAIProvider, type OpenAIProviderOptions, type TokenLimitField } from './openai.ts';
export { AnthropicProvider, type AnthropicProviderOptions } from './anthropic.ts';
export { ExternalGrpcProvider, type ExternalGrpcProviderOptions } from './grpc-bot.ts';
export { OFFLINE_STYLES, OFFLINE_STYLE_NAMES, OfflineProvider, offlineReply } from './offline.ts';
