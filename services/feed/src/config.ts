// feed's variables: the ones every service reads, then its own (one line each).
import { commonConfigSpec, type ConfigOf } from '@botsky/kit';

export const feedConfigSpec = {
  ...commonConfigSpec,
};

export type FeedConfig = ConfigOf<typeof feedConfigSpec>;

