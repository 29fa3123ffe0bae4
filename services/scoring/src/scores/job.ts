// The periodic scoring job: every interval it recomputes the leaderboard from the warehouse,
// publishes the battles decided since the last run and, when the set of battles changed, a rating
// snapshot per bot. The latest leaderboard is what the HTTP and gRPC APIs serve.
import type { Bus } from '@botsky/bus';
import type { Logger } from '@botsky/kit';
import type { Warehouse } from '@botsky/warehouse';
import type { ScoringMetrics } from '../metrics.ts';
import { computeLeaderboard, type Leaderboard, type ScoringParams } from './leaderboard.ts';
import { battleMessage, ratingMessages } from './publish.ts';
import type { SeasonBoards } from './seasons.ts';

export interface ScoreJobDeps {
  warehouse: Warehouse;
  bus: Bus;
  metrics: ScoringMetrics;
  logger: Logger;
  params: ScoringParams;
  intervalMs: number;
  /** bot id → handle, from the bot roster; empty when unknown */
  handles: () => Promise<ReadonlyMap<string, string>>;
  /** Every season's leaderboard, refreshed after the live one (absent: no seasons). */
  seasons?: () => SeasonBoards | undefined;
  now?: () => Date;
}

export interface ScoreJob {
  start(): void;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
  /** Computes and publishes once (the timer calls this). */
  runOnce(asOf?: Date): Promise<Leaderboard>;
  latest(): Leaderboard | undefined;
}

export function createScoreJob(deps: ScoreJobDeps): ScoreJob {
  const published = new Set<string>();
  let lastBattleCount = -1;
  let latest: Leaderboard | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  async function runOnce(asOf = (deps.now ?? (() => new Date()))()): Promise<Leaderboard> {
    const started = performance.now();
    const board = await computeLeaderboard(deps.warehouse, { asOf, config: deps.params });
    const fresh = board.battles.filter((b) => !published.has(b.battleId));
    if (fresh.length > 0) await deps.bus.publishMany(fresh.map(battleMessage));
    for (const b of fresh) {
      published.add(b.battleId);
      deps.metrics.battlesDecided.inc({ winner: b.winner });
    }
    if (board.battles.length !== lastBattleCount) {
      const snapshots = ratingMessages(board);
      if (snapshots.length > 0) await deps.bus.publishMany(snapshots);
      lastBattleCount = board.battles.length;
    }
    const handles = await deps.handles().catch(() => new Map<string, string>());
    for (const e of board.entries) {
      e.handle = handles.get(e.id) ?? '';
      deps.metrics.rating.set({ bot: e.id, method: 'elo' }, e.rating.elo);
      if (e.rating.bt !== null) deps.metrics.rating.set({ bot: e.id, method: 'bt' }, e.rating.bt);
      if (e.rating.btStyle !== null) deps.metrics.rating.set({ bot: e.id, method: 'bt_style' }, e.rating.btStyle);
      deps.metrics.harmFlagged.set({ bot: e.id }, e.harm.flagged ? 1 : 0);
    }
    exportRobustness(deps.metrics, board);
    latest = board;
    await deps.seasons?.()?.refresh(asOf, (b) => {
      for (const e of b.entries) e.handle = handles.get(e.id) ?? '';
    });
    deps.metrics.lastComputeSeconds.set((performance.now() - started) / 1000);
    return board;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce()
        .catch((err: unknown) => {
          deps.metrics.computeErrors.inc();
          deps.logger.warn({ err }, 'scoring run failed; retrying next interval');
        })
        .finally(schedule);
    }, deps.intervalMs);
  }

  return {
    start: schedule,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    runOnce,
    latest: () => latest,
  };
}

function exportRobustness(metrics: ScoringMetrics, board: Leaderboard): void {
  const { dropToFlipBattles: battles, dropToFlipPeople: people } = board.robustness;
  for (const [unit, n] of [
    ['battles', battles],
    ['people', people],
  ] as const) {
    if (n === null) metrics.dropToFlip.remove({ unit });
    else metrics.dropToFlip.set({ unit }, n);
  }
  metrics.excludedActions.set({ reason: 'capped' }, board.excluded.cappedActions);
  metrics.excludedActions.set({ reason: 'flagged' }, board.excluded.flaggedActions);
  metrics.flaggedPeople.set(board.excluded.flaggedPeople);
}
