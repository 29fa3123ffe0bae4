// The season's record as scoring reads it, and every ranking method on it. Battles are decided by
// scoring's own rule (decideBattlesV2) on the rows scoring would hold; the ratings come from
// @botsky/ratings, as on the live leaderboard; engagement is the feed's inverse-propensity
// estimate and recommendation the share of introductions answered within the window.
import { replyTaskId } from '@botsky/contracts';
import { loadConfig } from '@botsky/kit';
import {
  applyInfluence,
  decideBattlesV2,
  scoringConfigSpec,
  scoringParams,
  withWeights,
  type Action,
  type BattleReplyRow,
  type BattleWeighting,
  type DecidedBattle,
} from '@botsky/scoring';
import {
  bradleyTerryStyle,
  bradleyTerryWithIntervals,
  onlineElo,
  selfNormalisedIps,
  type Interval,
  type RatedBot,
  type StyledBattle,
} from '@botsky/ratings';
import type { SeasonRecords, SimReply } from './season.ts';

/** Scoring's defaults (windows, influence cap, burst test), read from its config spec. */
const SCORING_CONFIG = loadConfig(scoringConfigSpec, {});
const SCORING = scoringParams(SCORING_CONFIG);
const BOOTSTRAP_ROUNDS = 100;

export const METHODS = ['bt_raw', 'bt_style', 'elo', 'engagement', 'recommendation'] as const;
export type Method = (typeof METHODS)[number];

const personDid = (i: number) => `did:sim:${i}`;

/**
 * The season's battles as scoring decides them, advanced in time: each battle is decided by
 * scoring's rule once its decision time (max(t_A, t_B) + window) has passed, on the rows and
 * events scoring would hold, and kept; weights are renormalised over all decided battles, as
 * scoring does over the battles it fits.
 */
export class BattleLedger {
  readonly #records: SeasonRecords;
  readonly #open = new Map<string, number[]>();
  #scanned = 0;
  #decided: DecidedBattle[] = [];

  readonly #weighting: BattleWeighting;

  constructor(records: SeasonRecords, weighting: BattleWeighting) {
    this.#records = records;
    this.#weighting = weighting;
  }

  /** Every battle decided by asOf, in decision order, with both replies' styles. */
  advance(asOfMs: number): StyledBattle[] {
    const replies = this.#records.replies;
    for (; this.#scanned < replies.length; this.#scanned++) {
      const r = replies[this.#scanned] as SimReply;
      if (r.battleId !== '') this.#open.set(r.battleId, [...(this.#open.get(r.battleId) ?? []), this.#scanned]);
    }
    const rows: BattleReplyRow[] = [];
    const events: Action[] = [];
    for (const [battleId, sides] of this.#open) {
      if (sides.length < 2) continue;
      const closes = Math.max(...sides.map((i) => (replies[i] as SimReply).atMs)) + SCORING.battleWindowMs;
      if (closes > asOfMs) continue;
      this.#open.delete(battleId);
      for (const i of sides) {
        rows.push(battleRow(replies[i] as SimReply));
        for (const a of this.#records.actionsOf[i] as number[]) pushPersonAction(this.#records, a, events);
      }
    }
    const fresh = decideBattlesV2(rows, events, { windowMs: SCORING.battleWindowMs, asOfMs, excluded: () => false });
    this.#decided = withWeights([...this.#decided, ...fresh], this.#weighting);
    return this.#decided.map((b) => styled(this.#records, b));
  }
}

/** A decided battle as the fits take it, with both replies' styles. */
function styled(records: SeasonRecords, b: DecidedBattle): StyledBattle {
  const style = (uri: string) => (records.replies[Number(uri.slice(uri.lastIndexOf('/') + 1))] as SimReply).style;
  return { a: b.botA, b: b.botB, winner: b.winner, weight: b.weight, styleA: style(b.replyAUri), styleB: style(b.replyBUri) };
}

/** A like or a reply as scoring reads people's actions (other kinds are not engagement). */
function pushPersonAction(records: SeasonRecords, index: number, into: Action[]): void {
  const a = records.actions[index] as SeasonRecords['actions'][number];
  if (a.kind !== 'like' && a.kind !== 'reply') return;
  const r = records.replies[a.reply] as SimReply;
  into.push({ bot_id: r.botId, reply_uri: r.uri, actor_did: personDid(a.actor), kind: a.kind, at_ms: a.atMs, reply_ms: r.atMs });
}

/** The battles decided by asOf (a fresh ledger), without the cap and the flags (the active sampler's hourly view). */
export function seasonBattles(records: SeasonRecords, asOfMs: number, weighting: BattleWeighting): StyledBattle[] {
  return new BattleLedger(records, weighting).advance(asOfMs);
}

export interface ScoredBattles {
  battles: StyledBattle[];
  cappedActions: number;
  flaggedPeople: number;
}

/**
 * The season's battles as the leaderboard decides them at its end: people's actions through
 * scoring's influence cap and anomaly flags (its defaults), then every battle at once.
 */
export function finalBattles(records: SeasonRecords, weighting: BattleWeighting): ScoredBattles {
  const actions: Action[] = [];
  const exposure = new Map<string, Map<string, string>>();
  const expose = (person: number, r: SimReply) => {
    const did = personDid(person);
    const seen = exposure.get(did) ?? new Map<string, string>();
    seen.set(r.uri, r.botId);
    exposure.set(did, seen);
  };
  for (const r of records.replies) {
    expose(r.author, r);
    if (r.mention >= 0) expose(r.mention, r);
  }
  for (const i of records.impressions) expose(i.viewer, records.replies[i.reply] as SimReply);
  for (let i = 0; i < records.actions.length; i++) pushPersonAction(records, i, actions);
  const influence = applyInfluence(actions, exposure, { dailyCap: SCORING_CONFIG.influenceDailyCap, burst: SCORING.burst });
  const rows: BattleReplyRow[] = [];
  for (const r of records.replies) if (r.battleId !== '') rows.push(battleRow(r));
  const decided = decideBattlesV2(rows, influence.kept, {
    windowMs: SCORING.battleWindowMs,
    asOfMs: records.endMs,
    excluded: () => false,
    weighting,
  });
  return { battles: decided.map((b) => styled(records, b)), cappedActions: influence.cappedActions, flaggedPeople: influence.flagged.size };
}

function battleRow(r: SimReply): BattleReplyRow {
  return {
    task_id: replyTaskId(r.postUri, r.slot),
    bot_id: r.botId,
    post_uri: r.postUri,
    reply_uri: r.uri,
    battle_id: r.battleId,
    finished_ms: r.atMs,
    post_author_did: personDid(r.author),
    pair_probability: r.pairProbability,
  };
}

/** What the matchmaker learns from scoring's snapshots: each bot's rating and interval. */
export function ratingView(rated: readonly RatedBot[]): Map<string, { rating: number; ci95: [number, number] }> {
  return new Map(rated.map((r) => [r.bot, { rating: r.rating, ci95: [r.ci95[0], r.ci95[1]] }]));
}

export interface MethodScores {
  /** method → bot → score (higher is better) */
  scores: Record<Method, Map<string, number>>;
  /** bot → interval, for the rating methods */
  intervals: { bt_raw: Map<string, Interval>; bt_style: Map<string, Interval> };
}

/** Every method's scores at the end of a season. */
export function scoreSeason(records: SeasonRecords, battles: readonly StyledBattle[], seed: number): MethodScores {
  const raw = bradleyTerryWithIntervals(battles, { rounds: BOOTSTRAP_ROUNDS, seed });
  const style = bradleyTerryStyle(battles);
  return {
    scores: {
      bt_raw: new Map(raw.map((r) => [r.bot, r.rating])),
      bt_style: new Map(style.ratings.map((r) => [r.bot, r.rating])),
      elo: onlineElo(battles),
      engagement: feedEngagement(records),
      recommendation: recommendation(records),
    },
    intervals: {
      bt_raw: new Map(raw.map((r) => [r.bot, r.ci95])),
      bt_style: new Map(style.ratings.map((r) => [r.bot, r.ci95])),
    },
  };
}

/** Per bot, the self-normalised IPS of viewers' actions per impression (first impression per viewer and reply). */
function feedEngagement(records: SeasonRecords): Map<string, number> {
  const people =
    1 + records.actions.reduce((m, a) => Math.max(m, a.actor), 0) + records.impressions.reduce((m, i) => Math.max(m, i.viewer), 0);
  const key = (reply: number, person: number) => reply * people + person;
  const acted = new Map<number, number>();
  for (const a of records.actions) {
    if (a.role === 'viewer' && (a.kind === 'like' || a.kind === 'reply'))
      acted.set(key(a.reply, a.actor), (acted.get(key(a.reply, a.actor)) ?? 0) + 1);
  }
  const items = new Map<string, { y: number; p: number }[]>();
  const first = new Set<number>();
  for (const i of records.impressions) {
    const k = key(i.reply, i.viewer);
    if (first.has(k)) continue;
    first.add(k);
    const bot = (records.replies[i.reply] as SimReply).botId;
    const list = items.get(bot) ?? [];
    list.push({ y: acted.get(k) ?? 0, p: i.probability });
    items.set(bot, list);
  }
  return new Map([...items].map(([bot, xs]) => [bot, selfNormalisedIps(xs).rate]));
}

/** Per bot, introductions answered (a reply by the introduced person within the window) per introduction. */
function recommendation(records: SeasonRecords): Map<string, number> {
  const answered = new Set<number>();
  for (const a of records.actions) {
    const r = records.replies[a.reply] as SimReply;
    if (a.kind === 'reply' && a.role === 'mentioned' && a.atMs < r.atMs + SCORING.recommendationWindowMs) answered.add(a.reply);
  }
  const counts = new Map<string, { n: number; ok: number }>();
  records.replies.forEach((r, i) => {
    if (r.mention < 0 || r.atMs + SCORING.recommendationWindowMs > records.endMs) return;
    const c = counts.get(r.botId) ?? { n: 0, ok: 0 };
    c.n++;
    if (answered.has(i)) c.ok++;
    counts.set(r.botId, c);
  });
  return new Map([...counts].map(([bot, c]) => [bot, c.n > 0 ? c.ok / c.n : 0]));
}
