// feed serves the Bluesky feed generator and records impressions and interactions.
// The feed generator endpoints and the impression log come in a later issue; until then the
// service makes sure the topology exists, reports ready, and drains and stops like every other.
import type { Service, ServiceDefinition } from '@botsky/kit';
import { feedConfigSpec } from './config.ts';
import { createContext, type FeedContext, type FeedOverrides } from './context.ts';

export function createFeedService(ctx: FeedContext): Service {
  return {
    async start() {
      await ctx.bus.ensureTopology();
    },
    async drain() {},
    async stop() {},
  };
}

export const feedDefinition: ServiceDefinition<typeof feedConfigSpec, FeedContext, FeedOverrides> = {
  name: 'feed',
  summary: 'topology ensured; the feed generator is not implemented yet',
  configSpec: feedConfigSpec,
  createContext,
  createService: createFeedService,
};
