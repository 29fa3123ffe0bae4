// Consumer scoring-recorder-feed: impressions into `impressions`, client interactions into
// `client_interactions`. The feed publishes one ImpressionPage per served page; it expands into
// one row per item, named by request id and position, so a redelivered page rewrites the same rows.
import { CONSUMERS, decodeMessage } from '@botsky/bus';
import { ClientInteractionSchema, create, ImpressionPageSchema, ImpressionSchema, SUBJECTS, type ImpressionPage } from '@botsky/contracts';
import { clientInteractionRow, impressionRow, type TableRow } from './rows.ts';
import { recordConsumer, type RecorderDeps } from './record.ts';

export function startFeedRecorder(deps: RecorderDeps) {
  return recordConsumer(deps, CONSUMERS.scoringRecorderFeed, (msg) => {
    if (msg.subject === SUBJECTS.feedImpressionPage) return pageRows(decodeMessage(msg, ImpressionPageSchema));
    if (msg.subject === SUBJECTS.feedInteraction) return [clientInteractionRow(decodeMessage(msg, ClientInteractionSchema))];
    return [];
  });
}

export function pageRows(page: ImpressionPage): TableRow[] {
  const { requestId, viewerDid, servedAtUs, feedUri } = page;
  return page.items.map((item) =>
    impressionRow(
      create(ImpressionSchema, {
        requestId,
        viewerDid,
        servedAtUs,
        feedUri,
        itemUri: item.itemUri,
        botId: item.botId,
        position: item.position,
        probability: item.probability,
        feedContext: item.feedContext,
        battleId: item.battleId,
      }),
    ),
  );
}
