// Runs one provider call and reports its outcome and timing, for the provider tests.
import assert from 'node:assert/strict';
import { ProviderError, type ProviderFailure } from '../../src/providers/errors.ts';
import type { Provider, ReplyRequest, ReplyResult } from '../../src/providers/types.ts';

export type Outcome = { ok: true; result: ReplyResult; ms: number } | { ok: false; error: unknown; ms: number };

export async function call(provider: Provider, req: ReplyRequest, signal = AbortSignal.timeout(15_000)): Promise<Outcome> {
  const start = performance.now();
  try {
    const result = await provider.generate(req, signal);
    return { ok: true, result, ms: performance.now() - start };
  } catch (error) {
    return { ok: false, error, ms: performance.now() - start };
  }
}

export function expectSuccess(outcome: Outcome): ReplyResult {
  if (!outcome.ok) assert.fail(`expected a reply, got ${String(outcome.error)}`);
  return outcome.result;
}

/** Asserts a ProviderError with this reason and retryable flag, and returns it. */
export function expectFailure(outcome: Outcome, reason: ProviderFailure, retryable: boolean): ProviderError {
  if (outcome.ok) assert.fail(`expected a ${reason} failure, got the reply ${JSON.stringify(outcome.result.text)}`);
  const error = outcome.error;
  assert.ok(error instanceof ProviderError, `expected a ProviderError, got ${String(error)}`);
  assert.equal(error.name, 'ProviderError');
  assert.equal(error.reason, reason, error.message);
  assert.equal(error.retryable, retryable, `retryable for ${error.message}`);
  return error;
}

/** Milliseconds between two recorded requests. */
export function gap(requests: ReadonlyArray<{ at: number }>, from: number, to: number): number {
  const a = requests[from];
  const b = requests[to];
  assert.ok(a && b, `requests ${from} and ${to} exist (got ${requests.length})`);
  return b.at - a.at;
}
