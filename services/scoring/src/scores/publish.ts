// Turning a computed leaderboard into events: a BattleOutcome per newly decided battle (msgId =
// battle id, so replicas and restarts publish each once) and RatingSnapshots per bot and method.
import { BattleOutcomeSchema, BattleWinner, encode, RatingMethod, RatingSnapshotSchema, SUBJECTS, toUs } from '@botsky/contracts';
import type { OutgoingMessage } from '@botsky/bus';
import type { DecidedBattle } from './battles.ts';
import { arenaRanks } from './fits.ts';
import type { Leaderboard } from './leaderboard.ts';

const WINNERS = { a: BattleWinner.A, b: BattleWinner.B, tie: BattleWinner.TIE } as const;

export function battleMessage(b: DecidedBattle): OutgoingMessage {
  const data = encode(BattleOutcomeSchema, {
    battleId: b.battleId,
    postUri: b.postUri,
    botA: b.botA,
    botB: b.botB,
    replyAUri: b.replyAUri,
    replyBUri: b.replyBUri,
    winner: WINNERS[b.winner],
    engagementA: b.engagementA,
    engagementB: b.engagementB,
    decidedAtUs: toUs(b.decidedAtMs),
    ruleVersion: b.ruleVersion,
    voteKind: b.voteKind,
    weight: b.weight,
  });
  return { subject: SUBJECTS.battleOutcome, data, msgId: b.battleId };
}

/**
 * One snapshot per rated bot (at least one decided battle) and method (Elo, raw Bradley–Terry,
 * style-controlled Bradley–Terry), all at computedAt; each method's rank is its own Arena rank.
 */
export function ratingMessages(board: Leaderboard): OutgoingMessage[] {
  const computedAtUs = toUs(board.computedAtMs);
  const rated = board.entries.filter((e) => e.rating.battles > 0);
  const rawRank = arenaRanks(rated.flatMap((e) => (e.rating.ci95 ? [{ id: e.id, ci95: e.rating.ci95 }] : [])));
  const styleRank = arenaRanks(rated.flatMap((e) => (e.rating.btStyleCi95 ? [{ id: e.id, ci95: e.rating.btStyleCi95 }] : [])));
  const out: OutgoingMessage[] = [];
  for (const e of rated) {
    const r = e.rating;
    if (r.bt === null || r.ci95 === null) continue;
    const snapshots: Array<{ method: RatingMethod; rating: number; ci95Lo: number; ci95Hi: number; rank: number }> = [
      { method: RatingMethod.ELO, rating: r.elo, ci95Lo: r.elo, ci95Hi: r.elo, rank: r.eloRank },
      { method: RatingMethod.BRADLEY_TERRY, rating: r.bt, ci95Lo: r.ci95[0], ci95Hi: r.ci95[1], rank: rawRank.get(e.id) ?? 0 },
    ];
    if (r.btStyle !== null && r.btStyleCi95 !== null) {
      const [ci95Lo, ci95Hi] = r.btStyleCi95;
      snapshots.push({ method: RatingMethod.BRADLEY_TERRY_STYLE, rating: r.btStyle, ci95Lo, ci95Hi, rank: styleRank.get(e.id) ?? 0 });
    }
    for (const s of snapshots) {
      const data = encode(RatingSnapshotSchema, { botId: e.id, battles: r.battles, computedAtUs, ...s });
      out.push({ subject: SUBJECTS.ratingSnapshot, data, msgId: `rating:${s.method}:${e.id}:${computedAtUs}` });
    }
  }
  return out;
}
