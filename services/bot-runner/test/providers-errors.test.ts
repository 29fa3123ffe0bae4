// The pure parts of error handling: retry-after parsing, status classes, backoff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '@botsky/async';
import { DEFAULT_BACKOFF } from '../src/providers/backoff.ts';
import { ProviderError, failureForStatus, retryAfterMs } from '../src/providers/errors.ts';

test('retry-after-ms wins over retry-after; seconds and HTTP dates are both read', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '5' }), now), 250);
  assert.equal(retryAfterMs(new Headers({ 'retry-after': '1.5' }), now), 1500);
  assert.equal(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now), 3000);
  assert.equal(retryAfterMs(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 00:00:00 GMT' }), now), 0, 'a past date: no wait');
  assert.equal(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now), undefined);
  assert.equal(retryAfterMs(new Headers(), now), undefined);
  assert.equal(retryAfterMs(undefined, now), undefined);
});

test('statuses map to the reasons the APIs document', () => {
  assert.deepEqual(failureForStatus(400), { reason: 'bad-request', retryable: false });
  assert.deepEqual(failureForStatus(401), { reason: 'auth', retryable: false });
  assert.deepEqual(failureForStatus(403), { reason: 'auth', retryable: false });
  assert.deepEqual(failureForStatus(402), { reason: 'quota', retryable: false });
  assert.deepEqual(failureForStatus(404), { reason: 'bad-request', retryable: false });
  assert.deepEqual(failureForStatus(408), { reason: 'timeout', retryable: true });
  assert.deepEqual(failureForStatus(429), { reason: 'rate-limited', retryable: true });
  assert.deepEqual(failureForStatus(500), { reason: 'server-error', retryable: true });
  assert.deepEqual(failureForStatus(529), { reason: 'overloaded', retryable: true });
});

test('backoff doubles from the base up to the cap, minus at most a quarter of jitter', () => {
  assert.equal(
    backoffDelay(1, DEFAULT_BACKOFF, () => 1),
    500,
  );
  assert.equal(
    backoffDelay(2, DEFAULT_BACKOFF, () => 1),
    1000,
  );
  assert.equal(
    backoffDelay(11, DEFAULT_BACKOFF, () => 1),
    8000,
  );
  assert.equal(
    backoffDelay(1, DEFAULT_BACKOFF, () => 0),
    375,
  );
  const delays = Array.from({ length: 200 }, () => backoffDelay(3, DEFAULT_BACKOFF));
  assert.ok(delays.every((d) => d > 1500 && d <= 2000));
  assert.ok(new Set(delays).size > 100, 'jittered');
});

test('ProviderError has a name, a cause and its flags', () => {
  const cause = new Error('socket hang up');
  const err = new ProviderError('could not reach the server', {
    provider: 'openai',
    reason: 'connection',
    retryable: true,
    cause,
    retryAfterMs: 5,
  });
  assert.equal(err.name, 'ProviderError');
  assert.equal(err.cause, cause);
  assert.equal(err.message, 'openai: connection: could not reach the server');
  assert.equal(err.retryable, true);
  assert.equal(err.retryAfterMs, 5);
  assert.equal(err.status, undefined);
});
