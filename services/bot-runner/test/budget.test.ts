import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLUESKY_LIMITS, BudgetLedger, WRITE_COST } from '../src/budget/ledger.ts';

const MIN = 60_000;

/** Replays grants and checks every sliding window of the given length, minute by minute. */
function maxInAnyWindow(spends: Array<[number, number]>, windowMs: number): number {
  let max = 0;
  for (const [t] of spends) {
    const sum = spends.filter(([u]) => u >= t && u < t + windowMs).reduce((s, [, c]) => s + c, 0);
    max = Math.max(max, sum);
  }
  return max;
}

test('an account posting as fast as it may never exceeds 5,000 points in any hour', () => {
  const ledger = new BudgetLedger();
  const spends: Array<[number, number]> = [];
  let now = 1_700_000_000_000;
  const end = now + 3 * 60 * MIN;
  while (now < end) {
    const g = ledger.reserve(WRITE_COST.create, now);
    if (g.ok) {
      spends.push([now, WRITE_COST.create]);
      now += 500;
    } else {
      assert.ok(g.retryAfterMs > 0);
      now += g.retryAfterMs;
    }
  }
  assert.ok(maxInAnyWindow(spends, 60 * MIN) <= BLUESKY_LIMITS.hour);
  // and it does use most of what it may: over three hours, close to three hours' budget
  const total = spends.reduce((s, [, c]) => s + c, 0);
  assert.ok(total > 2.7 * BLUESKY_LIMITS.hour, `spent ${total}`);
});

test('the day budget holds too, and usage reports both windows', () => {
  const ledger = new BudgetLedger({ hour: 100, day: 250 });
  let now = 0;
  let granted = 0;
  for (let i = 0; i < 2000; i++) {
    const g = ledger.reserve(3, now);
    if (g.ok) granted += 3;
    now += g.ok ? 1000 : g.retryAfterMs;
    if (now > 20 * 60 * MIN) break;
  }
  assert.ok(granted <= 250, `granted ${granted}`);
  const u = ledger.usage(now);
  assert.ok((u.used.day ?? Infinity) <= 250 && (u.used.hour ?? Infinity) <= 100);
  assert.deepEqual(u.limits, { hour: 100, day: 250 });
});

test('the ledger survives a round trip through JSON and ignores garbage', () => {
  const a = new BudgetLedger({ hour: 10, day: 100 });
  assert.ok(a.reserve(9, 0).ok);
  const b = BudgetLedger.fromJSON(JSON.parse(JSON.stringify(a)), { hour: 10, day: 100 });
  const denied = b.reserve(3, 1000);
  assert.equal(denied.ok, false);
  assert.ok(!denied.ok && denied.retryAfterMs > 59 * MIN && denied.retryAfterMs <= 61 * MIN);
  assert.equal(BudgetLedger.fromJSON('nonsense').usage(0).used.hour, 0);
  assert.equal(new BudgetLedger({ hour: 2, day: 2 }).reserve(3, 0).ok, false);
});
