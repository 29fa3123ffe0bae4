// scoring records every event in ClickHouse, computes the scores and serves the leaderboard.
// Today it brings the warehouse schema up to date (the migrations are real) and makes sure the
// topology exists; the recorder, the scores and the leaderboard come in later issues.
import type { Service, ServiceDefinition } from '@botsky/kit';
import { scoringConfigSpec } from './config.ts';
import { createContext, type ScoringContext, type ScoringOverrides } from './context.ts';

export function createScoringService(ctx: ScoringContext): Service {
  return {
    async start() {
      await ctx.warehouse.migrate();
      ctx.logger.info({ database: ctx.warehouse.database }, 'warehouse schema up to date');
      await ctx.bus.ensureTopology();
    },
    async drain() {},
    async stop() {},
  };
}

export const scoringDefinition: ServiceDefinition<typeof scoringConfigSpec, ScoringContext, ScoringOverrides> = {
  name: 'scoring',
  summary: 'warehouse migrated, topology ensured; recording and scores are not implemented yet',
  configSpec: scoringConfigSpec,
  createContext,
  createService: createScoringService,
};
