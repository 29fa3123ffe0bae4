// ingest's variables: the ones every service reads, then its own (one line each).
import { commonConfigSpec, type ConfigOf } from '@botsky/kit';

export const ingestConfigSpec = {
  ...commonConfigSpec,
};

export type IngestConfig = ConfigOf<typeof ingestConfigSpec>;

