// Consumer scoring-recorder-outcomes: bot outcomes into `bot_replies` (the `mentions` table
// follows by its materialized view), the gateway's LLM calls into `llm_calls`. Each posted reply
// also enters the reply index, so later likes and replies on it are attributed to its bot.
import { CONSUMERS, decodeMessage } from '@botsky/bus';
import { BotOutcomeSchema, LlmCallSchema, OutcomeStatus, SUBJECTS } from '@botsky/contracts';
import { botReplyRow, llmCallRow } from './rows.ts';
import { recordConsumer, type RecorderDeps } from './record.ts';

export function startOutcomesRecorder(deps: RecorderDeps) {
  return recordConsumer(deps, CONSUMERS.scoringRecorderOutcomes, (msg) => {
    if (msg.subject === SUBJECTS.llmCall) return [llmCallRow(decodeMessage(msg, LlmCallSchema))];
    const o = decodeMessage(msg, BotOutcomeSchema);
    if (o.status === OutcomeStatus.REPLIED && o.reply) {
      deps.index.add(o.reply.uri, { botId: o.botId, mentionDid: o.mentionDid });
    }
    if (o.model !== '') deps.models.set(o.botId, o.model);
    return [botReplyRow(o)];
  });
}
