// Bradley–Terry with bootstrap intervals at Arena scale (issue 16): the seconds
// bradleyTerryWithIntervals takes for 1,000,000 battles (10% ties, ratings spread over 400
// points) and 1,000 rounds, the default, among 8 bots and among 100. The battles are simulated
// before the clock starts; the clock covers everything the call does (grouping the battles into
// cells, the point fit, the rounds, the percentiles). Each figure is the fastest of a few runs,
// as other processes share the machine. With --quick: 100 rounds, and the figure is the fixed
// cost (a call with no rounds) plus ten times the cost of those 100 rounds.
// Run directly: node packages/ratings/bench/bt-scale.bench.ts [--quick]
import { fileURLToPath } from 'node:url';
import type { BenchResult } from '@botsky/bench';
import { bradleyTerryWithIntervals, seededRandom, simulateBattles, type Battle } from '../src/index.ts';

const BATTLES = 1_000_000;
const ROUNDS = 1000;

export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  return [8, 100].map((bots) => {
    const seconds = opts.quick ? estimated(battlesOf(bots), 100, 2) : fastest(battlesOf(bots), ROUNDS, 3);
    return { name: `ratings.bt.bootstrap-1m-${bots}-bots`, value: Number(seconds.toFixed(3)), unit: 's', higherIsBetter: false };
  });
}

function battlesOf(bots: number): Battle[] {
  const strengths = new Map(Array.from({ length: bots }, (_, i) => [`bot-${String(i).padStart(3, '0')}`, 800 + (400 * i) / (bots - 1)]));
  return simulateBattles({ strengths, battles: BATTLES, tieRate: 0.1, random: seededRandom(bots) });
}

/** The fastest of `runs` calls with `rounds` rounds, in seconds. */
function fastest(battles: readonly Battle[], rounds: number, runs: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    bradleyTerryWithIntervals(battles, { rounds, seed: 20260301 });
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return best;
}

/** Seconds for ROUNDS rounds estimated from `rounds`: the fixed cost plus the rounds' cost scaled. */
function estimated(battles: readonly Battle[], rounds: number, runs: number): number {
  const fixed = fastest(battles, 0, runs);
  return fixed + ((fastest(battles, rounds, runs) - fixed) * ROUNDS) / rounds;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await run({ quick: process.argv.includes('--quick') })) console.log(`${r.name}: ${r.value} ${r.unit}`);
}
