// The retry curve of the providers that retry by themselves (the gRPC bot; the OpenAI and
// Anthropic SDKs have their own): the SDKs' curve (0.5 s doubling, capped at 8 s, up to a quarter
// off at random) so every provider behaves alike. Options take another, so tests run quickly.
import type { Backoff } from '@botsky/async';

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 8000, jitter: 0.25 };
