import { test } from 'node:test';
import assert from 'node:assert/strict';
import { battleId, fromUs, matchDecisionId, nowUs, parseIsoUs, replyTaskId, toUs } from '../src/index.ts';

const URI = 'at://did:plc:alice/app.bsky.feed.post/3kabc';

test('ids are deterministic, distinct per purpose and slot, and prefixed', () => {
  assert.equal(replyTaskId(URI, 0), replyTaskId(URI, 0));
  assert.match(replyTaskId(URI, 0), /^rt_[0-9a-f]{32}$/);
  assert.match(matchDecisionId(URI), /^md_[0-9a-f]{32}$/);
  assert.match(battleId(URI), /^bt_[0-9a-f]{32}$/);
  const ids = new Set([replyTaskId(URI, 0), replyTaskId(URI, 1), replyTaskId(`${URI}x`, 0)]);
  assert.equal(ids.size, 3);
  assert.notEqual(matchDecisionId(URI).slice(3), battleId(URI).slice(3));
  assert.throws(() => replyTaskId(URI, -1), RangeError);
  assert.throws(() => replyTaskId(URI, 0.5), RangeError);
});

test('time conversions keep microseconds where the source has them', () => {
  assert.equal(toUs(new Date('2024-05-01T12:00:00.123Z')), 1_714_564_800_123_000n);
  assert.equal(toUs(1_714_564_800_123), 1_714_564_800_123_000n);
  assert.equal(fromUs(1_714_564_800_123_456n).toISOString(), '2024-05-01T12:00:00.123Z');
  assert.equal(parseIsoUs('2024-05-01T12:00:00.123456Z'), 1_714_564_800_123_456n);
  assert.equal(parseIsoUs('2024-05-01T12:00:00Z'), 1_714_564_800_000_000n);
  assert.equal(parseIsoUs('2024-05-01T14:00:00.5+02:00'), 1_714_564_800_500_000n);
  assert.equal(parseIsoUs('1969-12-31T23:59:59.5Z'), -500_000n);
  assert.equal(parseIsoUs('yesterday'), undefined);
  assert.equal(parseIsoUs('2024-13-01T00:00:00Z'), undefined);
  assert.throws(() => toUs(new Date('nope')), RangeError);
  const before = BigInt(Date.now()) * 1000n;
  const now = nowUs();
  assert.ok(now >= before && now <= BigInt(Date.now()) * 1000n);
});
