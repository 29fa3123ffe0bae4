// Turning a computed leaderboard into events: a BattleOutcome per newly decided battle (msgId =
// battle id, so replicas and restarts publish each once) and RatingSnapshots per bot and method.
import {
  BattleOutcomeSchema,
  BattleWinner,
  encode,
  RatingMethod,
  RatingSnapshotSchema,
  SUBJECTS,
  toUs,
} from '@botsky/contracts';
import type { OutgoingMessage } from '@botsky/bus';
import type { DecidedBattle } from './battles.ts';
import type { Leaderboard } from './leaderboard.ts';

const WINNERS = { a: BattleWinner.A, b: BattleWinner.B, tie: BattleWinner.TIE } as const;

export function battleMessage(b: DecidedBattle, ruleVersion: string): OutgoingMessage {
  const data = encode(BattleOutcomeSchema, {
    battleId: b.battleId, postUri: b.postUri, botA: b.botA, botB: b.botB, replyAUri: b.replyAUri, replyBUri: b.replyBUri,
    winner: WINNERS[b.winner], engagementA: b.engagementA, engagementB: b.engagementB,
    decidedAtUs: toUs(b.decidedAtMs), ruleVersion,
  });
  return { subject: SUBJECTS.battleOutcome, data, msgId: b.battleId };
}

/** One snapshot per rated bot (at least one decided battle) and method, all at computedAt. */
export function ratingMessages(board: Leaderboard): OutgoingMessage[] {
  const computedAtUs = toUs(board.computedAtMs);
  const out: OutgoingMessage[] = [];
  for (const e of board.entries) {
    const r = e.rating;
    if (r.battles === 0 || r.bt === null || r.ci95 === null) continue;
    const snapshots = [
      { method: RatingMethod.ELO, rating: r.elo, ci95Lo: r.elo, ci95Hi: r.elo, rank: r.eloRank },
      { method: RatingMethod.BRADLEY_TERRY, rating: r.bt, ci95Lo: r.ci95[0], ci95Hi: r.ci95[1], rank: r.rank },
    ];
    for (const s of snapshots) {
      const data = encode(RatingSnapshotSchema, { botId: e.id, battles: r.battles, computedAtUs, ...s });
      out.push({ subject: SUBJECTS.ratingSnapshot, data, msgId: `rating:${s.method}:${e.id}:${computedAtUs}` });
    }
  }
  return out;
}
