// bot-runner's variables: the ones every service reads, then its own (one line each).
import { commonConfigSpec, type ConfigOf } from '@botsky/kit';

export const botRunnerConfigSpec = {
  ...commonConfigSpec,
};

export type BotRunnerConfig = ConfigOf<typeof botRunnerConfigSpec>;

