// What the method handlers share: identity, the candidates, auth and the impression sink.
import type { AuthFn } from '../auth.ts';
import type { CandidateStore } from '../candidates/store.ts';
import type { ImpressionSink } from '../impressions.ts';
import type { FeedMetrics } from '../metrics.ts';
import type { Bus } from '@botsky/bus';
import type { Logger } from '@botsky/kit';

export interface FeedState {
  readonly serviceDid: string;
  readonly feedUri: string;
  readonly hostname: string;
  readonly store: CandidateStore;
  readonly auth: AuthFn;
  readonly impressions: ImpressionSink;
  readonly metrics: FeedMetrics;
  readonly bus: Bus;
  readonly logger: Logger;
}
