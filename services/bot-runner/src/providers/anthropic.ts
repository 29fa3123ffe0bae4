// Anthropic's Messages API through the official SDK (`POST /v1/messages`: a `system` parameter,
// a required `max_tokens`, the answer as `content` blocks, `usage.input_tokens/output_tokens`).
//
// Retries are the SDK's own, as for OpenAI (same generator, same policy): connection errors,
// timeouts, 408, 409, 429 and every 5xx, Anthropic's 529 `overloaded_error` included, are retried
// up to `maxRetries` times; the wait is the server's `retry-after-ms` or `retry-after` when sent,
// otherwise 0.5 s doubling up to 8 s, minus up to 25 % jitter; `timeoutMs` bounds each attempt.
// We classify what is left when the SDK gives up and check the shape of a 2xx answer.
//
// One gap, found with a stand-in: the SDK's timeout stops at the response headers, so a server
// that sends headers and then stalls mid-body would hold the call until the caller gives up.
// `bufferedFetch` reads the body inside the fetch the SDK times, which makes such a stall an
// ordinary timeout, retried like one. (The OpenAI SDK bounds the body read itself.)
import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { ProviderError, malformed } from './errors.ts';
import { buildPrompt } from './prompt.ts';
import { errorBodyFields, fromSdkError, type RefineFailure } from './sdk-errors.ts';
import { isRecord, readUsage, sample } from './shape.ts';
import type { Provider, ReplyRequest, ReplyResult } from './types.ts';

export interface AnthropicProviderOptions {
  apiKey: string;
  /** Another server speaking the Messages API (a gateway, or a test's stand-in); default Anthropic's. */
  baseURL?: string;
  /** Model used when the request names none. */
  model: string;
  /** Bound on each attempt, in milliseconds. */
  timeoutMs: number;
  /** Retries after the first attempt (the SDK's `maxRetries`). */
  maxRetries: number;
  /** `max_tokens` when the request sets none (the API requires one). */
  maxTokens?: number;
  /** The provider's name in errors and logs (default "anthropic"). */
  name?: string;
}

const DEFAULT_MAX_TOKENS = 400;
const SDK_ERRORS = { APIError, APIUserAbortError, APIConnectionError, APIConnectionTimeoutError };

// Anthropic's error docs: 529 `overloaded_error` is load on their side, worth another try later;
// 402 `billing_error` is the account, not worth one.
const refineAnthropic: RefineFailure = (status, body) => {
  const { type } = errorBodyFields(body);
  if (status === 529 || type === 'overloaded_error') return 'overloaded';
  if (status === 402 || type === 'billing_error') return 'quota';
  return undefined;
};

export class AnthropicProvider implements Provider {
  readonly name: string;
  readonly #client: Anthropic;
  readonly #model: string;
  readonly #maxTokens: number;

  constructor(options: AnthropicProviderOptions) {
    this.name = options.name ?? 'anthropic';
    this.#model = options.model;
    this.#maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
    this.#client = new Anthropic({
      apiKey: options.apiKey,
      // Explicit, so the SDK reads no ANTHROPIC_BASE_URL: only config modules read the environment.
      baseURL: options.baseURL ?? 'https://api.anthropic.com',
      timeout: options.timeoutMs,
      maxRetries: options.maxRetries,
      fetch: bufferedFetch,
    });
  }

  async generate(req: ReplyRequest, signal: AbortSignal): Promise<ReplyResult> {
    const model = req.model || this.#model;
    const prompt = buildPrompt(req);
    const params: Anthropic.MessageCreateParamsNonStreaming = {
      model,
      max_tokens: req.maxTokens ?? this.#maxTokens,
      system: prompt.system,
      messages: [{ role: 'user', content: prompt.user }],
      ...(req.temperature === undefined ? {} : { temperature: req.temperature }),
    };
    let message: unknown;
    try {
      message = await this.#client.messages.create(params, { signal });
    } catch (err) {
      throw fromSdkError(this.name, err, SDK_ERRORS, signal, refineAnthropic);
    }
    return readMessage(this.name, message, model);
  }
}

// Statuses whose Response may not have a body (the constructor throws if given one).
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** fetch, but resolving only once the whole body is read, under the same abort signal. */
export async function bufferedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await fetch(input, init);
  if (NULL_BODY.has(response.status)) return response;
  const body = await response.arrayBuffer();
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** Checks a Messages API answer against the documented shape and takes the reply out of it. */
export function readMessage(provider: string, message: unknown, requestedModel: string): ReplyResult {
  if (!isRecord(message) || message.type !== 'message') {
    throw malformed(provider, `the answer is not a message object: ${sample(message)}`);
  }
  const content = message.content;
  if (!Array.isArray(content)) throw malformed(provider, 'content is missing');
  const stopReason = message.stop_reason;
  if (stopReason === 'refusal') {
    throw new ProviderError('the model refused (stop_reason "refusal")', { provider, reason: 'refused', retryable: false });
  }
  const text = textOf(provider, content);
  if (stopReason === 'max_tokens') {
    throw new ProviderError(`the reply hit max_tokens${text ? '' : ' before any text'}`, {
      provider,
      reason: 'truncated',
      retryable: false,
    });
  }
  if (!text) throw new ProviderError('the reply has no text block with text in it', { provider, reason: 'empty', retryable: false });
  const usage = readUsage(message, 'input_tokens', 'output_tokens');
  if (typeof usage === 'string') throw malformed(provider, usage);
  const model = typeof message.model === 'string' && message.model ? message.model : requestedModel;
  return { text, model, ...usage };
}

// Only `text` blocks are the reply; others (thinking, tool use) are the model's working.
function textOf(provider: string, content: unknown[]): string {
  const texts: string[] = [];
  for (const [i, block] of content.entries()) {
    if (!isRecord(block) || typeof block.type !== 'string') throw malformed(provider, `content[${i}] is not a content block`);
    if (block.type !== 'text') continue;
    if (typeof block.text !== 'string') throw malformed(provider, `content[${i}].text is not text`);
    texts.push(block.text);
  }
  return texts.join('').trim();
}
