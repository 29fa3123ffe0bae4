// Consumer scoring-recorder-outcomes: bot outcomes into `bot_replies` (the `mentions` table
// follows by its materialized view). Each posted reply also enters the reply index, so later
// likes and replies on it are attributed to its bot.
import { CONSUMERS, decodeMessage } from '@botsky/bus';
import { BotOutcomeSchema, OutcomeStatus } from '@botsky/contracts';
import { botReplyRow } from './rows.ts';
import { recordConsumer, type RecorderDeps } from './record.ts';

export function startOutcomesRecorder(deps: RecorderDeps) {
  return recordConsumer(deps, CONSUMERS.scoringRecorderOutcomes, (msg) => {
    const o = decodeMessage(msg, BotOutcomeSchema);
    if (o.status === OutcomeStatus.REPLIED && o.reply) {
      deps.index.add(o.reply.uri, { botId: o.botId, mentionDid: o.mentionDid });
    }
    if (o.model !== '') deps.models.set(o.botId, o.model);
    return [botReplyRow(o)];
  });
}
