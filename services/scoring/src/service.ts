// scoring records every event in ClickHouse (five recorder consumers, one consumer group each,
// shared by replicas), purges the texts of deleted posts and of accounts gone (purge/), computes
// the scores every interval from the warehouse, publishes decided battles and rating snapshots,
// and serves the leaderboard over HTTP and gRPC.
import type { Subscription } from '@botsky/bus';
import type { Service, ServiceDefinition } from '@botsky/kit';
import { applyPostTextRetention, createBatchWriter, ratingHistory, recentBotReplies, type StatefulBatchWriter } from '@botsky/warehouse';
import { scoringConfigSpec, scoringParams } from './config.ts';
import { createContext, type ScoringContext, type ScoringOverrides } from './context.ts';
import { exportPurgeStats, exportWriterStats } from './metrics.ts';
import { createTextPurger, type TextPurger } from './purge/purger.ts';
import { startFeedRecorder } from './consumers/feed.ts';
import { startNetworkRecorder } from './consumers/network.ts';
import { startOutcomesRecorder } from './consumers/outcomes.ts';
import type { RecorderDeps } from './consumers/record.ts';
import { ReplyIndex } from './consumers/reply-index.ts';
import { startScoresRecorder } from './consumers/scores.ts';
import { startTasksRecorder } from './consumers/tasks.ts';
import { rosterHandles } from './roster.ts';
import { startLeaderboardServers, type LeaderboardServers } from './handlers/servers.ts';
import { createScoreJob, type ScoreJob } from './scores/job.ts';
import { SeasonBoards } from './scores/seasons.ts';
import { KV_BUCKETS } from '@botsky/contracts';

const INDEX_SIZE = 200_000;
/** The most rating snapshots a bot's history answers with (its latest). */
const HISTORY_POINTS = 500;

export interface ScoringService extends Service {
  readonly job: ScoreJob;
  /** The listeners, once started (their ports, for tests that bind port 0). */
  servers(): LeaderboardServers | undefined;
  writer(): StatefulBatchWriter | undefined;
  /** The text purge worker, once started. */
  purger(): TextPurger | undefined;
}

export function createScoringService(ctx: ScoringContext): ScoringService {
  const { config } = ctx;
  const metrics = ctx.scoringMetrics;
  const job = createScoreJob({
    warehouse: ctx.warehouse,
    bus: ctx.bus,
    metrics,
    logger: ctx.createLogger('scoring:job'),
    params: scoringParams(config),
    intervalMs: config.scoringIntervalMs,
    handles: () => rosterHandles(ctx.bus),
    seasons: () => seasons,
  });
  let seasons: SeasonBoards | undefined;
  let writer: StatefulBatchWriter | undefined;
  exportWriterStats(ctx.metrics, () => writer?.stats());
  let purger: TextPurger | undefined;
  exportPurgeStats(ctx.metrics, () => purger?.pending ?? 0);
  let servers: LeaderboardServers | undefined;
  let subs: Subscription[] = [];

  return {
    job,
    servers: () => servers,
    writer: () => writer,
    purger: () => purger,
    async start() {
      await ctx.warehouse.migrate();
      // Before anything is recorded: every post is written under the configured retention.
      const retentionChanged = await applyPostTextRetention(ctx.warehouse, ctx.warehouse.database, config.postTextRetentionDays);
      ctx.logger.info(
        { database: ctx.warehouse.database, postTextRetentionDays: config.postTextRetentionDays, retentionChanged },
        'warehouse schema up to date',
      );
      await ctx.bus.ensureTopology();
      const w = createBatchWriter(ctx.warehouse, { maxRows: 5_000, maxDelayMs: 500 });
      writer = w;
      purger = createTextPurger({
        warehouse: ctx.warehouse,
        flush: () => w.flush(),
        deleteMessage: (stream, seq) => ctx.bus.deleteMessage(stream, seq),
        metrics,
        logger: ctx.createLogger('scoring:purge'),
        intervalMs: config.purgeIntervalMs,
        resweepMs: config.purgeResweepMs,
      });
      const index = new ReplyIndex(INDEX_SIZE);
      for (const r of (await recentBotReplies(ctx.warehouse, INDEX_SIZE)).reverse()) {
        index.add(r.reply_uri, { botId: r.bot_id, mentionDid: r.mention_did });
      }
      const deps: RecorderDeps = {
        bus: ctx.bus,
        writer: w,
        index,
        models: new Map(),
        metrics,
        logger: ctx.createLogger('scoring:recorder'),
        maxInFlight: 256,
        purger,
      };
      for (const start of [startNetworkRecorder, startTasksRecorder, startOutcomesRecorder, startFeedRecorder, startScoresRecorder]) {
        subs.push(await start(deps));
      }
      seasons = new SeasonBoards(await ctx.bus.kv(KV_BUCKETS.seasons), ctx.warehouse, scoringParams(config));
      const seasonBoards = seasons;
      servers = await startLeaderboardServers(job.latest, {
        seasons: seasonBoards,
        history: async (botId) =>
          (await ratingHistory(ctx.warehouse, { botId, method: 'bt_style', limit: HISTORY_POINTS })).map((p) => ({
            at: p.at_ms,
            rating: p.rating,
            lo: p.ci_lo,
            hi: p.ci_hi,
            battles: p.battles,
          })),
        host: config.leaderboardHost,
        httpPort: config.leaderboardPort,
        grpcPort: config.leaderboardGrpcPort,
        logger: ctx.logger,
      });
      ctx.logger.info({ http: servers.httpPort, grpc: servers.grpcPort }, 'leaderboard listening');
      job.start();
      purger.start();
    },
    async drain() {
      await job.stop();
      await Promise.all(subs.map((s) => s.stop()));
      subs = [];
      await writer?.flush();
      // The purges of every delete acked so far, before the writer closes.
      await purger?.drain();
    },
    async stop() {
      await job.stop();
      await purger?.stop();
      await servers?.close();
      await writer?.close();
    },
  };
}

export const scoringDefinition: ServiceDefinition<typeof scoringConfigSpec, ScoringContext, ScoringOverrides> = {
  name: 'scoring',
  summary: 'records every event in ClickHouse, decides battles, rates the bots, serves the leaderboard (HTTP, gRPC)',
  configSpec: scoringConfigSpec,
  createContext,
  createService: createScoringService,
};
