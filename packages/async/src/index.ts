export { backoffDelay, type Backoff } from './backoff.ts';
export { eventually, pending, type EventuallyOptions, type NotYet, type Pending } from './eventually.ts';
export { mapBounded } from './map-bounded.ts';
export { settlesWithin, withTimeout } from './timeout.ts';
