// Turns what the OpenAI and Anthropic SDKs throw into ProviderError. Both SDKs come from the same
// generator and share one error hierarchy (APIError with `status` and `headers`; its subclasses
// APIUserAbortError, APIConnectionError and APIConnectionTimeoutError), so one mapping serves both;
// each provider passes its own classes, since `instanceof` across the two packages never matches.
import { ProviderError, errorText, failureForStatus, malformed, retryAfterMs, type ProviderFailure } from './errors.ts';

type ErrorClass = abstract new (...args: never[]) => Error;

export interface SdkErrorClasses {
  APIError: ErrorClass;
  APIUserAbortError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
}

/** The parts of an SDK APIError we read: both SDKs have these fields. */
interface ApiErrorFields {
  status?: number | undefined;
  headers?: Headers | undefined;
  error?: unknown;
}

/**
 * Refines the status-based failure from the error body, where the API's docs tell cases apart
 * that share a status (OpenAI's `insufficient_quota` 429, Anthropic's `overloaded_error`).
 */
export type RefineFailure = (status: number, body: unknown) => ProviderFailure | undefined;

const RETRYABLE: Record<ProviderFailure, boolean> = {
  'rate-limited': true,
  quota: false,
  overloaded: true,
  'server-error': true,
  timeout: true,
  connection: true,
  'bad-request': false,
  auth: false,
  malformed: false,
  refused: false,
  empty: false,
  truncated: false,
  cancelled: true,
};

export function fromSdkError(
  provider: string,
  err: unknown,
  classes: SdkErrorClasses,
  signal: AbortSignal,
  refine?: RefineFailure,
): ProviderError {
  if (err instanceof ProviderError) return err;
  // Aborted by our caller (shutdown, the task's overall deadline): nothing is wrong with the task.
  // Checked on the signal too: an abort while a body is read surfaces as a plain AbortError.
  if (err instanceof classes.APIUserAbortError || signal.aborted)
    return new ProviderError('aborted by the caller', { provider, reason: 'cancelled', retryable: true, cause: err });
  if (err instanceof classes.APIConnectionTimeoutError)
    return new ProviderError('no answer within the timeout', { provider, reason: 'timeout', retryable: true, cause: err });
  if (err instanceof classes.APIConnectionError)
    return new ProviderError(`could not reach the server: ${errorText(err.cause ?? err)}`, {
      provider,
      reason: 'connection',
      retryable: true,
      cause: err,
    });
  if (err instanceof classes.APIError) return fromStatus(provider, err, err as ApiErrorFields, refine);
  // The SDKs parse a 2xx body declared as JSON with JSON.parse and let its SyntaxError through.
  if (err instanceof SyntaxError) return malformed(provider, `the answer is not valid JSON (${err.message})`, err);
  return new ProviderError(errorText(err), { provider, reason: 'server-error', retryable: false, cause: err });
}

function fromStatus(provider: string, err: Error, fields: ApiErrorFields, refine?: RefineFailure): ProviderError {
  const status = fields.status ?? 0;
  const reason = refine?.(status, fields.error) ?? failureForStatus(status).reason;
  return new ProviderError(err.message, {
    provider,
    reason,
    retryable: RETRYABLE[reason],
    status,
    retryAfterMs: retryAfterMs(fields.headers),
    cause: err,
  });
}

/** `error.type` and `error.code` from either API's error body, which the SDKs hand over as parsed. */
export function errorBodyFields(body: unknown): { type?: string; code?: string } {
  if (typeof body !== 'object' || body === null) return {};
  // OpenAI's SDK hands over the inner `error` object; Anthropic's the whole `{ type: 'error', error }`.
  const inner = 'error' in body && typeof body.error === 'object' && body.error !== null ? body.error : body;
  const type = 'type' in inner && typeof inner.type === 'string' ? inner.type : undefined;
  const code = 'code' in inner && typeof inner.code === 'string' ? inner.code : undefined;
  return { ...(type === undefined ? {} : { type }), ...(code === undefined ? {} : { code }) };
}
