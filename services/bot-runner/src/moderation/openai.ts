// The provider-backed check: OpenAI's moderation endpoint (`POST /v1/moderations`) through the
// official SDK, or any server that speaks it. The SDK retries connection errors, timeouts, 429 and
// 5xx itself (`maxRetries`, each attempt bounded by `timeoutMs`); what it gives up on is a
// ProviderError here, classified as a model call's would be, and the reply is not posted.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { malformed } from '../providers/errors.ts';
import { fromSdkError } from '../providers/sdk-errors.ts';
import { isRecord, sample } from '../providers/shape.ts';

export interface ModerationProvider {
  /** The name reasons are prefixed with (`openai:hate`). */
  readonly name: string;
  /** The flagged category with the highest score, or undefined when nothing is flagged; throws ProviderError. */
  check(text: string, signal: AbortSignal): Promise<string | undefined>;
}

export interface OpenAIModerationOptions {
  apiKey: string;
  /** Base URL including `/v1`. */
  baseURL: string;
  model: string;
  /** Bound on each attempt, in milliseconds. */
  timeoutMs: number;
  /** Retries after the first attempt (the SDK's `maxRetries`). */
  maxRetries: number;
}

const SDK_ERRORS = { APIError, APIUserAbortError, APIConnectionError, APIConnectionTimeoutError };
// Errors name the endpoint, so a moderation failure is not mistaken for a bot's model failing.
const ERROR_NAME = 'openai-moderation';

export class OpenAIModeration implements ModerationProvider {
  readonly name = 'openai';
  readonly #client: OpenAI;
  readonly #model: string;

  constructor(options: OpenAIModerationOptions) {
    this.#model = options.model;
    this.#client = new OpenAI({
      apiKey: options.apiKey,
      // Explicit values (null: none) so the SDK reads no OPENAI_* variable: only config modules read the environment.
      baseURL: options.baseURL,
      organization: null,
      project: null,
      adminAPIKey: null,
      webhookSecret: null,
      timeout: options.timeoutMs,
      maxRetries: options.maxRetries,
    });
  }

  async check(text: string, signal: AbortSignal): Promise<string | undefined> {
    let answer: unknown;
    try {
      answer = await this.#client.moderations.create({ model: this.#model, input: text }, { signal });
    } catch (err) {
      throw fromSdkError(ERROR_NAME, err, SDK_ERRORS, signal);
    }
    return flaggedCategory(answer);
  }
}

/** Checks a moderation object against the documented shape; the flagged category scored highest. */
export function flaggedCategory(answer: unknown): string | undefined {
  const result: unknown = isRecord(answer) && Array.isArray(answer.results) ? answer.results[0] : undefined;
  if (!isRecord(result) || typeof result.flagged !== 'boolean' || !isRecord(result.categories)) {
    throw malformed(ERROR_NAME, `the answer is not a moderation object: ${sample(answer)}`);
  }
  if (!result.flagged) return undefined;
  const scores = isRecord(result.category_scores) ? result.category_scores : {};
  const flagged = Object.entries(result.categories)
    .filter(([, on]) => on === true)
    .map(([name]) => name);
  const score = (name: string) => (typeof scores[name] === 'number' ? (scores[name] as number) : 0);
  // Flagged with no category set still rejects: the endpoint said so.
  return flagged.sort((a, b) => score(b) - score(a))[0] ?? 'flagged';
}
