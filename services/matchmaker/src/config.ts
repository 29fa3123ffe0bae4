// matchmaker's variables: the ones every service reads, then its own (one line each).
import { commonConfigSpec, type ConfigOf } from '@botsky/kit';

export const matchmakerConfigSpec = {
  ...commonConfigSpec,
};

export type MatchmakerConfig = ConfigOf<typeof matchmakerConfigSpec>;

