// matchmaker decides which bot answers which post and whom it pulls in.
// The consumer of network posts and the reply-task producer come in a later issue; until then the
// service makes sure the topology exists, reports ready, and drains and stops like every other.
import type { Service, ServiceDefinition } from '@botsky/kit';
import { matchmakerConfigSpec } from './config.ts';
import { createContext, type MatchmakerContext, type MatchmakerOverrides } from './context.ts';

export function createMatchmakerService(ctx: MatchmakerContext): Service {
  return {
    async start() {
      await ctx.bus.ensureTopology();
    },
    async drain() {},
    async stop() {},
  };
}

export const matchmakerDefinition: ServiceDefinition<typeof matchmakerConfigSpec, MatchmakerContext, MatchmakerOverrides> = {
  name: 'matchmaker',
  summary: 'topology ensured; matching is not implemented yet',
  configSpec: matchmakerConfigSpec,
  createContext,
  createService: createMatchmakerService,
};
