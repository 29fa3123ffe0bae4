// Consumer scoring-recorder-feed: impressions into `impressions`, client interactions into
// `client_interactions`.
import { CONSUMERS } from '@botsky/bus';
import { ClientInteractionSchema, decode, ImpressionSchema, SUBJECTS } from '@botsky/contracts';
import { clientInteractionRow, impressionRow } from './rows.ts';
import { recordConsumer, type RecorderDeps } from './record.ts';

export function startFeedRecorder(deps: RecorderDeps) {
  return recordConsumer(deps, CONSUMERS.scoringRecorderFeed, (msg) => {
    if (msg.subject === SUBJECTS.feedImpression) return [impressionRow(decode(ImpressionSchema, msg.data))];
    if (msg.subject === SUBJECTS.feedInteraction) return [clientInteractionRow(decode(ClientInteractionSchema, msg.data))];
    return [];
  });
}
