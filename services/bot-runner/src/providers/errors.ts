// One error type for every provider, so the runner decides what to do with a failed call
// (nak with a delay, give up on the task, alert on credentials) without knowing which SDK or
// protocol produced it. Every provider has already spent its own retries when it throws this:
// `retryable` says whether the same task is worth trying again later, not now.

export type ProviderFailure =
  /** 429 (or gRPC RESOURCE_EXHAUSTED) still there after the provider's retries. */
  | 'rate-limited'
  /** The account is out of credit (OpenAI's 429 `insufficient_quota`, Anthropic's 402): waiting does not help. */
  | 'quota'
  /** Anthropic's 529 `overloaded_error`. */
  | 'overloaded'
  /** 5xx, or gRPC INTERNAL/UNKNOWN. */
  | 'server-error'
  /** No answer within the per-attempt timeout (gRPC DEADLINE_EXCEEDED). */
  | 'timeout'
  /** Could not connect, or the connection broke (gRPC UNAVAILABLE). */
  | 'connection'
  /** The provider says the request is wrong (400, 404, 413, 422, gRPC INVALID_ARGUMENT...). */
  | 'bad-request'
  /** 401/403, gRPC UNAUTHENTICATED/PERMISSION_DENIED. */
  | 'auth'
  /** A 2xx answer that does not have the documented shape: not JSON, fields missing or wrong. */
  | 'malformed'
  /** The model declined to answer (OpenAI `refusal`, Anthropic `stop_reason: refusal`, content filter). */
  | 'refused'
  /** A well-formed answer with no text in it. */
  | 'empty'
  /** The model hit its token limit, so the text is cut off. */
  | 'truncated'
  /** The caller's signal aborted the call. */
  | 'cancelled';

export interface ProviderErrorOptions {
  provider: string;
  reason: ProviderFailure;
  retryable: boolean;
  /** HTTP status of the last response, when there was one. */
  status?: number;
  /** How long the provider asked us to wait before the next try (retry-after), when it said. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly provider: string;
  readonly reason: ProviderFailure;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: ProviderErrorOptions) {
    super(`${options.provider}: ${options.reason}: ${message}`, { cause: options.cause });
    this.provider = options.provider;
    this.reason = options.reason;
    this.retryable = options.retryable;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A 2xx answer we cannot use. Never retried: the same request would most likely get the same answer. */
export function malformed(provider: string, message: string, cause?: unknown): ProviderError {
  return new ProviderError(message, { provider, reason: 'malformed', retryable: false, cause });
}

/** What an HTTP status means once the SDK has stopped retrying, per the OpenAI and Anthropic error docs. */
export function failureForStatus(status: number): { reason: ProviderFailure; retryable: boolean } {
  if (status === 401 || status === 403) return { reason: 'auth', retryable: false };
  if (status === 402) return { reason: 'quota', retryable: false };
  if (status === 408) return { reason: 'timeout', retryable: true };
  if (status === 429) return { reason: 'rate-limited', retryable: true };
  if (status === 529) return { reason: 'overloaded', retryable: true };
  if (status >= 500) return { reason: 'server-error', retryable: true };
  // 409 is retried by both SDKs (a lock timeout on their side); anything else 4xx is our request.
  if (status === 409) return { reason: 'server-error', retryable: true };
  return { reason: 'bad-request', retryable: false };
}

/** Reads `retry-after-ms` (milliseconds) or `retry-after` (seconds or an HTTP date), as both SDKs do. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers?.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number.parseFloat(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** The message of anything thrown, for error texts. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
