// OpenAI's Chat Completions API through the official SDK. With `baseURL` set, the same code talks
// to any OpenAI-compatible server (vLLM, llama.cpp's server, Ollama, LiteLLM...).
//
// Retries are the SDK's own (documented in its README, "Retries" and "Timeouts"): connection
// errors, timeouts, 408, 409, 429 and 5xx are retried up to `maxRetries` times; the wait is the
// server's `retry-after-ms` or `retry-after` when it sends one (up to 60 s), otherwise 0.5 s
// doubling up to 8 s, minus up to 25 % jitter; `timeoutMs` bounds each attempt. We add nothing
// on top, so the behaviour is the one OpenAI documents; we only classify what is left when the
// SDK gives up, and check the shape of a 2xx answer, which the SDK does not.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { ProviderError, malformed } from './errors.ts';
import { buildPrompt } from './prompt.ts';
import { errorBodyFields, fromSdkError, type RefineFailure } from './sdk-errors.ts';
import { isRecord, readUsage, sample } from './shape.ts';
import type { Provider, ReplyRequest, ReplyResult } from './types.ts';

/** The name of the token-limit field: OpenAI's current one, or the older one some servers still want. */
export type TokenLimitField = 'max_completion_tokens' | 'max_tokens';

export interface OpenAIProviderOptions {
  apiKey: string;
  /** An OpenAI-compatible server's base URL, including `/v1` (for example http://127.0.0.1:8000/v1). */
  baseURL?: string;
  organization?: string;
  /** Model used when the request names none. */
  model: string;
  /** Bound on each attempt, in milliseconds. */
  timeoutMs: number;
  /** Retries after the first attempt (the SDK's `maxRetries`). */
  maxRetries: number;
  /** Used when the request sets no `maxTokens`. */
  maxTokens?: number;
  /** Default: `max_completion_tokens` for api.openai.com, `max_tokens` when `baseURL` is set. */
  tokenLimitField?: TokenLimitField;
  /** The provider's name in errors and logs (default "openai"). */
  name?: string;
}

const DEFAULT_MAX_TOKENS = 400;
const SDK_ERRORS = { APIError, APIUserAbortError, APIConnectionError, APIConnectionTimeoutError };

// A 429 with `insufficient_quota` means the account has no credit: OpenAI's docs say to buy more,
// not to wait, so it is not worth retrying later (the SDK has still retried it, as it does any 429).
const refineOpenAI: RefineFailure = (status, body) =>
  status === 429 && errorBodyFields(body).code === 'insufficient_quota' ? 'quota' : undefined;

export class OpenAIProvider implements Provider {
  readonly name: string;
  readonly #client: OpenAI;
  readonly #model: string;
  readonly #maxTokens: number;
  readonly #tokenLimitField: TokenLimitField;

  constructor(options: OpenAIProviderOptions) {
    this.name = options.name ?? 'openai';
    this.#model = options.model;
    this.#maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
    this.#tokenLimitField = options.tokenLimitField ?? (options.baseURL ? 'max_tokens' : 'max_completion_tokens');
    this.#client = new OpenAI({
      apiKey: options.apiKey,
      // Explicit values (null: none) so the SDK reads no OPENAI_* variable: only config modules read the environment.
      baseURL: options.baseURL ?? 'https://api.openai.com/v1',
      organization: options.organization ?? null,
      project: null,
      adminAPIKey: null,
      webhookSecret: null,
      timeout: options.timeoutMs,
      maxRetries: options.maxRetries,
    });
  }

  async generate(req: ReplyRequest, signal: AbortSignal): Promise<ReplyResult> {
    const model = req.model || this.#model;
    const prompt = buildPrompt(req);
    const body: OpenAI.ChatCompletionCreateParamsNonStreaming = {
      model,
      messages: [
        { role: 'system', content: prompt.system },
        { role: 'user', content: prompt.user },
      ],
      [this.#tokenLimitField]: req.maxTokens ?? this.#maxTokens,
      // Sent only when set: OpenAI's reasoning models reject any temperature but the default.
      ...(req.temperature === undefined ? {} : { temperature: req.temperature }),
    };
    let completion: unknown;
    try {
      completion = await this.#client.chat.completions.create(body, { signal });
    } catch (err) {
      throw fromSdkError(this.name, err, SDK_ERRORS, signal, refineOpenAI);
    }
    return readCompletion(this.name, completion, model);
  }
}

/** Checks a chat completion against the documented shape and takes the reply out of it. */
export function readCompletion(provider: string, completion: unknown, requestedModel: string): ReplyResult {
  if (!isRecord(completion)) throw malformed(provider, `the answer is not a chat completion object: ${sample(completion)}`);
  const choices = completion.choices;
  if (!Array.isArray(choices)) throw malformed(provider, 'choices is missing');
  const choice: unknown = choices[0];
  if (!isRecord(choice)) throw malformed(provider, 'choices is empty');
  const message = choice.message;
  if (!isRecord(message)) throw malformed(provider, 'choices[0].message is missing');
  const text = replyText(provider, message, choice.finish_reason);
  const usage = readUsage(completion, 'prompt_tokens', 'completion_tokens');
  if (typeof usage === 'string') throw malformed(provider, usage);
  const model = typeof completion.model === 'string' && completion.model ? completion.model : requestedModel;
  return { text, model, ...usage };
}

function replyText(provider: string, message: Record<string, unknown>, finishReason: unknown): string {
  const refusal = message.refusal;
  if (typeof refusal === 'string' && refusal.trim()) {
    throw new ProviderError(`the model refused: ${sample(refusal)}`, { provider, reason: 'refused', retryable: false });
  }
  if (finishReason === 'content_filter') {
    throw new ProviderError('the answer was withheld by the content filter', { provider, reason: 'refused', retryable: false });
  }
  const content = message.content;
  if (content !== null && content !== undefined && typeof content !== 'string') {
    throw malformed(provider, `choices[0].message.content is not text: ${sample(content)}`);
  }
  const text = (content ?? '').trim();
  if (finishReason === 'length') {
    throw new ProviderError(`the reply hit the token limit${text ? '' : ' before any text'}`, {
      provider,
      reason: 'truncated',
      retryable: false,
    });
  }
  if (!text) throw new ProviderError('the reply has no text', { provider, reason: 'empty', retryable: false });
  return text;
}
