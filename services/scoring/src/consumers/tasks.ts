// Consumer scoring-recorder-tasks: reply tasks into `reply_tasks`, match decisions into
// `match_decisions`, and which message carries whose words into `stream_messages` (a task: the
// post's text and the mentioned person's terms; a decision: every candidate's terms).
import { CONSUMERS, decodeMessage } from '@botsky/bus';
import { MatchDecisionSchema, ReplyTaskSchema, STREAMS, SUBJECTS } from '@botsky/contracts';
import { matchDecisionRow, replyTaskRow, streamMessageRow } from './rows.ts';
import { recordConsumer, type RecorderDeps } from './record.ts';

export function startTasksRecorder(deps: RecorderDeps) {
  return recordConsumer(deps, CONSUMERS.scoringRecorderTasks, (msg) => {
    if (msg.subject === SUBJECTS.matchDecision) {
      const d = decodeMessage(msg, MatchDecisionSchema);
      const otherDids = [...d.candidates.map((c) => c.did), d.chosen?.did ?? ''];
      return [
        matchDecisionRow(d),
        streamMessageRow(STREAMS.tasks, msg.seq, { postUri: d.postRef?.uri ?? '', authorDid: d.authorDid, otherDids, atUs: d.decidedAtUs }),
      ];
    }
    if (msg.subject === SUBJECTS.replyTask) {
      const t = decodeMessage(msg, ReplyTaskSchema);
      const otherDids = [t.mention?.did ?? ''];
      return [
        replyTaskRow(t),
        streamMessageRow(STREAMS.tasks, msg.seq, { postUri: t.postRef?.uri ?? '', authorDid: t.authorDid, otherDids, atUs: t.createdAtUs }),
      ];
    }
    return [];
  });
}
