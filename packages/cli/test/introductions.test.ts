// In the running simulation (devnet PDS, ingest -> matchmaker -> bot-runner with offline bots over
// the in-process bus, the population posting and answering), the people matchmaker introduces
// answer more often than people drawn at random among the same eligible ones. Both arms share the
// seed, the people and the bots; see bench/introductions.bench.ts for the figures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareIntroductions, describeArm } from '../bench/introductions.bench.ts';

test('introductions by interest are answered far more often than random ones, in the simulation', { timeout: 240_000 }, async () => {
  // 22 s of people acting, longer (up to 60 s) on a loaded machine until 330 introductions are made
  // (some are still unread at the end: 300 decided is what the assertions below need).
  const c = await compareIntroductions({
    seed: 3,
    users: 60,
    durationMs: 22_000,
    simMinutesPerSecond: 20,
    minMentions: 330,
    maxDurationMs: 60_000,
  });
  console.log(describeArm(c.similar));
  console.log(describeArm(c.random));
  console.log(
    `introductions answered: matchmaker ${c.similar.rate.toFixed(3)}, random ${c.random.rate.toFixed(3)}, ratio ${c.ratio.toFixed(2)}`,
  );
  for (const arm of [c.similar, c.random])
    assert.ok(arm.mentionsDecided >= 300, `${arm.strategy}: only ${arm.mentionsDecided} introductions decided`);
  // Two-proportion z statistic: with ~600 introductions an arm, chance alone stays far below 3.
  const n1 = c.similar.mentionsDecided;
  const n2 = c.random.mentionsDecided;
  const pooled = (c.similar.mentionsAnswered + c.random.mentionsAnswered) / (n1 + n2);
  const z = (c.similar.rate - c.random.rate) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  assert.ok(z >= 3, `z ${z.toFixed(2)}`);
  // Far more often: the ratio's 95% interval (delta method on its log) lies above 1.5. The aim is
  // twice as often (bench/introductions.bench.ts reports it against that baseline); measured
  // 1.95-2.05 at these counts on 2026-12-07, whose standard error (about 0.2) makes a bare
  // `ratio >= 2` a coin toss rather than a test.
  const seLog = Math.sqrt((1 - c.similar.rate) / (n1 * c.similar.rate) + (1 - c.random.rate) / (n2 * c.random.rate));
  const lower = c.ratio * Math.exp(-1.96 * seLog);
  assert.ok(lower >= 1.5, `ratio ${c.ratio.toFixed(2)}, 95% interval from ${lower.toFixed(2)}`);
});
