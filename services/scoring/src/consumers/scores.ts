// Consumer scoring-recorder-scores: what scoring itself published (battle outcomes, rating
// snapshots) goes through the bus into the warehouse like every other event, so every replica's
// conclusions are recorded once, by the consumer group.
import { CONSUMERS, decodeMessage } from '@botsky/bus';
import { BattleOutcomeSchema, RatingSnapshotSchema, SUBJECTS } from '@botsky/contracts';
import { battleRow, ratingRow } from './rows.ts';
import { recordConsumer, type RecorderDeps } from './record.ts';

export function startScoresRecorder(deps: RecorderDeps) {
  return recordConsumer(deps, CONSUMERS.scoringRecorderScores, (msg) => {
    if (msg.subject === SUBJECTS.battleOutcome) return [battleRow(decodeMessage(msg, BattleOutcomeSchema))];
    if (msg.subject === SUBJECTS.ratingSnapshot) {
      const r = decodeMessage(msg, RatingSnapshotSchema);
      return [ratingRow(r, deps.models.get(r.botId) ?? '')];
    }
    return [];
  });
}
