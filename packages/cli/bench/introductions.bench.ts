// Are the matchmaker's introductions answered more often than random ones? Two arms of the same
// simulation (seed, people, bots): ingest -> matchmaker -> bot-runner over the in-process bus on
// the devnet PDS, the population posting and deciding whether to answer the people the bots
// introduce. Arm one ranks by interest (BOTSKY_MATCH_MENTION_STRATEGY=similar), arm two draws
// uniformly among the same eligible people (random). Prints both answer rates and their ratio.
//
// Usage: node services/matchmaker/bench/introductions.bench.ts [--quick]
import { fileURLToPath } from 'node:url';
import { runArm, type ArmOptions, type ArmResult } from './introductions-run.ts';
import type { BenchResult } from '@botsky/bench';

export interface Comparison {
  similar: ArmResult;
  random: ArmResult;
  ratio: number;
}

/** Both arms, one after the other (they would share the two cores otherwise). */
export async function compareIntroductions(o: Omit<ArmOptions, 'strategy'>): Promise<Comparison> {
  const similar = await runArm({ ...o, strategy: 'similar' });
  const random = await runArm({ ...o, strategy: 'random' });
  return { similar, random, ratio: random.rate > 0 ? similar.rate / random.rate : Number.POSITIVE_INFINITY };
}

export function describeArm(r: ArmResult): string {
  return (
    `${r.strategy}: ${r.mentionsAnswered} of ${r.mentionsDecided} introductions answered (${(100 * r.rate).toFixed(1)}%), ` +
    `${r.botReplies} bot replies, ${r.pending} unread, ${r.posts} posts, ${r.optInsRewritten} opt-ins rewritten, ${r.errors} errors`
  );
}

export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const c = await compareIntroductions({ seed: 3, users: 60, durationMs: opts.quick ? 22_000 : 60_000, simMinutesPerSecond: 20 });
  console.log(describeArm(c.similar));
  console.log(describeArm(c.random));
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return [
    { name: 'matchmaker.introductions.answered_rate.similar', value: round(c.similar.rate), unit: 'share', higherIsBetter: true },
    { name: 'matchmaker.introductions.answered_rate.random', value: round(c.random.rate), unit: 'share', higherIsBetter: false },
    { name: 'matchmaker.introductions.answered_ratio', value: Math.round(c.ratio * 100) / 100, unit: 'x', higherIsBetter: true },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await run({ quick: process.argv.includes('--quick') })) console.log(`${r.name} ${r.value} ${r.unit}`);
}
