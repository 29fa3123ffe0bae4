// bot-runner turns reply tasks into replies posted by the bots.
// The reply-task consumer, the LLM calls and the posting come in a later issue; until then the
// service makes sure the topology exists, reports ready, and drains and stops like every other.
import type { Service, ServiceDefinition } from '@botsky/kit';
import { botRunnerConfigSpec } from './config.ts';
import { createContext, type BotRunnerContext, type BotRunnerOverrides } from './context.ts';

export function createBotRunnerService(ctx: BotRunnerContext): Service {
  return {
    async start() {
      await ctx.bus.ensureTopology();
    },
    async drain() {},
    async stop() {},
  };
}

export const botRunnerDefinition: ServiceDefinition<typeof botRunnerConfigSpec, BotRunnerContext, BotRunnerOverrides> = {
  name: 'bot-runner',
  summary: 'topology ensured; replying is not implemented yet',
  configSpec: botRunnerConfigSpec,
  createContext,
  createService: createBotRunnerService,
};
