// From a provider spec (what the bot registry holds for each bot, secrets already resolved) to a
// Provider. The spec is plain data, so the registry can validate, store and print it; keys are
// secrets that print as [redacted] (the kit's Secret fits).
import { AnthropicProvider } from './anthropic.ts';
import { ExternalGrpcProvider } from './grpc-bot.ts';
import { OFFLINE_STYLES, OfflineProvider } from './offline.ts';
import { OpenAIProvider, type TokenLimitField } from './openai.ts';
import type { Provider } from './types.ts';

/** A resolved secret: `reveal()` gives the value; printing it should not (see @botsky/kit's Secret). */
export interface SecretValue {
  reveal(): string;
}

/** Bounds on one call. Defaults: 20 s per attempt and 2 retries for LLM APIs; 10 s and 2 for gRPC bots. */
export interface CallLimits {
  /** Per attempt, in milliseconds. */
  timeoutMs?: number;
  /** Retries after the first attempt. */
  maxRetries?: number;
}

export interface OpenAISpec extends CallLimits {
  kind: 'openai';
  model: string;
  /** Optional for local OpenAI-compatible servers that check no key. */
  apiKey?: SecretValue;
  /** An OpenAI-compatible server (vLLM, llama.cpp, Ollama...), with `/v1`. */
  baseURL?: string;
  organization?: string;
  tokenLimitField?: TokenLimitField;
}

export interface AnthropicSpec extends CallLimits {
  kind: 'anthropic';
  model: string;
  apiKey: SecretValue;
  baseURL?: string;
}

export interface GrpcSpec extends CallLimits {
  kind: 'grpc';
  /** host:port of the bot builder's BotService endpoint. */
  address: string;
  tls?: boolean;
  token?: SecretValue;
}

export interface OfflineSpec {
  kind: 'offline';
  /** One of OFFLINE_STYLES. */
  style: string;
}

export type ProviderSpec = OpenAISpec | AnthropicSpec | GrpcSpec | OfflineSpec;
export type ProviderKind = ProviderSpec['kind'];

export const PROVIDER_KINDS: readonly ProviderKind[] = ['openai', 'anthropic', 'grpc', 'offline'];

export class ProviderSpecError extends Error {
  override readonly name = 'ProviderSpecError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const LLM_DEFAULTS = { timeoutMs: 20_000, maxRetries: 2 } as const;
const GRPC_DEFAULTS = { timeoutMs: 10_000, maxRetries: 2 } as const;
// Local servers ignore the key, but the SDK insists on one.
const NO_KEY = 'no-key';

/** Builds the provider a spec describes; `name` labels its errors (the bot's id is a good one). */
export function createProvider(spec: ProviderSpec, name?: string): Provider {
  checkSpec(spec);
  switch (spec.kind) {
    case 'openai':
      return new OpenAIProvider({
        apiKey: spec.apiKey?.reveal() || NO_KEY,
        model: spec.model,
        ...limits(spec, LLM_DEFAULTS),
        ...optional({ baseURL: spec.baseURL, organization: spec.organization, tokenLimitField: spec.tokenLimitField, name }),
      });
    case 'anthropic':
      return new AnthropicProvider({
        apiKey: spec.apiKey.reveal(),
        model: spec.model,
        ...limits(spec, LLM_DEFAULTS),
        ...optional({ baseURL: spec.baseURL, name }),
      });
    case 'grpc':
      return new ExternalGrpcProvider({
        address: spec.address,
        ...limits(spec, GRPC_DEFAULTS),
        ...optional({ tls: spec.tls, token: spec.token?.reveal(), name }),
      });
    case 'offline':
      return new OfflineProvider(spec.style);
  }
}

/** Throws ProviderSpecError naming the first field that is wrong. */
export function checkSpec(spec: ProviderSpec): void {
  if (!PROVIDER_KINDS.includes(spec.kind))
    throw new ProviderSpecError(`kind must be one of ${PROVIDER_KINDS.join(', ')}, got "${String(spec.kind)}"`);
  if (spec.kind === 'offline') {
    if (!OFFLINE_STYLES[spec.style])
      throw new ProviderSpecError(`style must be one of ${Object.keys(OFFLINE_STYLES).join(', ')}, got "${spec.style}"`);
    return;
  }
  if (spec.timeoutMs !== undefined && !(Number.isInteger(spec.timeoutMs) && spec.timeoutMs > 0))
    throw new ProviderSpecError(`timeoutMs must be a positive integer, got ${spec.timeoutMs}`);
  if (spec.maxRetries !== undefined && !(Number.isInteger(spec.maxRetries) && spec.maxRetries >= 0 && spec.maxRetries <= 10))
    throw new ProviderSpecError(`maxRetries must be an integer from 0 to 10, got ${spec.maxRetries}`);
  if (spec.kind === 'grpc') {
    if (!/^[^\s:/]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(spec.address))
      throw new ProviderSpecError(`address must be host:port, got "${spec.address}"`);
    return;
  }
  if (!spec.model.trim()) throw new ProviderSpecError(`${spec.kind}: model is required`);
  if (spec.baseURL !== undefined && !/^https?:\/\/[^\s]+$/.test(spec.baseURL))
    throw new ProviderSpecError(`${spec.kind}: baseURL must be an http(s) URL, got "${spec.baseURL}"`);
  if (spec.kind === 'openai' && !spec.apiKey && spec.baseURL === undefined)
    throw new ProviderSpecError('openai: apiKey is required unless baseURL names another server');
}

function limits(spec: CallLimits, defaults: Required<CallLimits>): Required<CallLimits> {
  return { timeoutMs: spec.timeoutMs ?? defaults.timeoutMs, maxRetries: spec.maxRetries ?? defaults.maxRetries };
}

/** Drops undefined values, so optional options stay absent rather than present-and-undefined. */
function optional<T extends Record<string, unknown>>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
