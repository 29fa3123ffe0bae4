// Style control at Arena scale (issue 16): the seconds bradleyTerryStyle takes, with its
// defaults (every feature, the empirical-Bayes ridge, sandwich intervals), for 1,000,000 battles
// (10% ties) among 8 bots and among 100, every one of the six covariates varying and style
// correlated with the bots. The battles are simulated before the clock starts; the clock covers
// everything the call does (reading the styles into covariates, the unpenalised fit, choosing
// the ridge, the penalised fit, the sandwich). Each figure is the fastest of a few runs, as other
// processes share the machine; with --quick, of one.
// Run directly: node packages/ratings/bench/style-scale.bench.ts [--quick]
import { fileURLToPath } from 'node:url';
import type { BenchResult } from '@botsky/bench';
import { bradleyTerryStyle, normal, seededRandom, type Random, type ReplyStyle, type StyledBattle } from '../src/index.ts';

const BATTLES = 1_000_000;

export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  return [8, 100].map((bots) => {
    const seconds = fastest(battlesOf(bots), opts.quick ? 1 : 3);
    return { name: `ratings.style.sandwich-1m-${bots}-bots`, value: Number(seconds.toFixed(3)), unit: 's', higherIsBetter: false };
  });
}

interface Manner {
  beta: number;
  graphemes: number;
  latency: number;
  /** Chances that a reply asks a question, has an emoji, a link, a mention. */
  rates: [number, number, number, number];
}

/**
 * Bots 400 Elo points apart from first to last, each with its own manner, so that style goes with
 * the bot; people like long replies and dislike slow ones (log-odds per raw covariate).
 */
function battlesOf(bots: number): StyledBattle[] {
  const rand = seededRandom(bots);
  const manners = Array.from(
    { length: bots },
    (_, i): Manner => ({
      beta: (i / (bots - 1) - 0.5) * Math.LN10, // 400 Elo points from the first to the last
      graphemes: 40 + 400 * rand(),
      latency: 2 + 60 * rand(),
      rates: [0.1 + 0.5 * rand(), 0.5 * rand(), 0.3 * rand(), 0.2 * rand()],
    }),
  );
  const names = manners.map((_, i) => `bot-${String(i).padStart(3, '0')}`);
  const out: StyledBattle[] = new Array(BATTLES);
  for (let t = 0; t < BATTLES; t++) {
    const i = Math.floor(rand() * bots);
    let j = Math.floor(rand() * (bots - 1));
    if (j >= i) j++;
    const [mi, mj] = [manners[i] as Manner, manners[j] as Manner];
    const styleA = replyOf(mi, rand);
    const styleB = replyOf(mj, rand);
    const eta =
      mi.beta -
      mj.beta +
      0.8 * share(styleA.graphemes, styleB.graphemes) -
      0.2 * Math.log((1 + styleA.latencySeconds) / (1 + styleB.latencySeconds));
    const u = rand();
    const winner = u < 0.1 ? 'tie' : u < 0.1 + 0.9 / (1 + Math.exp(-eta)) ? 'a' : 'b';
    out[t] = { a: names[i] as string, b: names[j] as string, winner, styleA, styleB };
  }
  return out;
}

const share = (x: number, y: number) => (x - y) / (x + y);

function replyOf(m: Manner, rand: Random): ReplyStyle {
  const [q, e, l, n] = m.rates;
  return {
    graphemes: Math.max(1, Math.round(m.graphemes * Math.exp(0.5 * normal(rand)))),
    questions: rand() < q ? 1 : 0,
    emoji: rand() < e ? 1 + Math.floor(2 * rand()) : 0,
    links: rand() < l ? 1 : 0,
    mentions: rand() < n ? 1 : 0,
    latencySeconds: m.latency * Math.exp(0.7 * normal(rand)),
  };
}

/** The fastest of `runs` fits, in seconds. */
function fastest(battles: readonly StyledBattle[], runs: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    bradleyTerryStyle(battles);
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return best;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await run({ quick: process.argv.includes('--quick') })) console.log(`${r.name}: ${r.value} ${r.unit}`);
}
