// Consumer scoring-recorder-tasks: reply tasks into `reply_tasks`, match decisions into
// `match_decisions`.
import { CONSUMERS, decodeMessage } from '@botsky/bus';
import { MatchDecisionSchema, ReplyTaskSchema, SUBJECTS } from '@botsky/contracts';
import { matchDecisionRow, replyTaskRow } from './rows.ts';
import { recordConsumer, type RecorderDeps } from './record.ts';

export function startTasksRecorder(deps: RecorderDeps) {
  return recordConsumer(deps, CONSUMERS.scoringRecorderTasks, (msg) => {
    if (msg.subject === SUBJECTS.matchDecision) return [matchDecisionRow(decodeMessage(msg, MatchDecisionSchema))];
    if (msg.subject === SUBJECTS.replyTask) return [replyTaskRow(decodeMessage(msg, ReplyTaskSchema))];
    return [];
  });
}
