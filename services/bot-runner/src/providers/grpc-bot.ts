// An external bot: the bot builder's own endpoint serving botsky.v1.BotService over gRPC
// (proto/botsky/v1/bot.proto; examples/grpc-bot is a runnable one).
//
// grpc-js retries nothing by itself here (no retry service config), so we do: UNAVAILABLE (the
// endpoint is down or restarting), RESOURCE_EXHAUSTED (it is shedding load) and DEADLINE_EXCEEDED
// are retried up to `maxRetries` times with jittered exponential backoff. A call may be repeated
// safely because the contract makes task_id an idempotency key. The wait honours the server's
// `grpc-retry-pushback-ms` trailer (gRFC A6), gRPC's counterpart of retry-after. Every other
// status fails at once: INVALID_ARGUMENT is the endpoint saying it cannot answer this request.
import { backoffDelay, type Backoff } from '@botsky/async';
import { setTimeout as sleep } from 'node:timers/promises';
import { Metadata, credentials, status, type ServiceError } from '@grpc/grpc-js';
import { BotService, type GenerateReplyRequestSchema, type GenerateReplyResponse, type MessageInitShape } from '@botsky/contracts';
import { createGrpcClient } from '@botsky/contracts/grpc';
import { DEFAULT_BACKOFF } from './backoff.ts';
import { ProviderError, malformed, type ProviderFailure } from './errors.ts';
import type { PersonContext, Provider, ReplyRequest, ReplyResult } from './types.ts';

export interface ExternalGrpcProviderOptions {
  /** host:port of the bot's endpoint. */
  address: string;
  /** Use TLS with the system's roots (an endpoint on the internet); default plaintext. */
  tls?: boolean;
  /** Sent as `authorization: Bearer <token>` so the endpoint can tell BotSky from strangers. */
  token?: string;
  /** The deadline of each attempt, in milliseconds; also sent to the bot as constraints.deadline_ms. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  backoff?: Backoff;
  /** Called before each retry: for logs and metrics. */
  onRetry?: (retry: number, error: ProviderError, delayMs: number) => void;
  /** The provider's name in errors and logs (default "grpc"). */
  name?: string;
}

type BotRequest = MessageInitShape<typeof GenerateReplyRequestSchema>;
const openClient = (address: string, tls: boolean) =>
  createGrpcClient(BotService, address, tls ? credentials.createSsl() : credentials.createInsecure());

// The reasons failureForCode gives UNAVAILABLE, RESOURCE_EXHAUSTED and DEADLINE_EXCEEDED.
const RETRIED = new Set<ProviderFailure>(['connection', 'rate-limited', 'timeout']);
const MAX_PUSHBACK_MS = 60_000;

export class ExternalGrpcProvider implements Provider {
  readonly name: string;
  readonly #client: ReturnType<typeof openClient>;
  readonly #options: ExternalGrpcProviderOptions;

  constructor(options: ExternalGrpcProviderOptions) {
    this.name = options.name ?? 'grpc';
    this.#options = options;
    this.#client = openClient(options.address, options.tls ?? false);
  }

  async generate(req: ReplyRequest, signal: AbortSignal): Promise<ReplyResult> {
    const request = toBotRequest(req, this.#options.timeoutMs);
    const backoff = this.#options.backoff ?? DEFAULT_BACKOFF;
    for (let retry = 0; ; retry++) {
      let error: ProviderError;
      try {
        return fromBotResponse(this.name, await this.#attempt(request, signal), req.model);
      } catch (err) {
        error = err instanceof ProviderError ? err : this.#failure(err, signal);
      }
      if (retry >= this.#options.maxRetries || !RETRIED.has(error.reason)) throw error;
      const delayMs = error.retryAfterMs ?? backoffDelay(retry + 1, backoff);
      this.#options.onRetry?.(retry + 1, error, delayMs);
      await sleep(delayMs, undefined, { signal }).catch((abort: unknown) => {
        throw new ProviderError('aborted by the caller while waiting to retry', {
          provider: this.name,
          reason: 'cancelled',
          retryable: true,
          cause: abort,
        });
      });
    }
  }

  /** Closes the channel; the provider cannot be used afterwards. */
  close(): void {
    this.#client.close();
  }

  #attempt(request: BotRequest, signal: AbortSignal): Promise<GenerateReplyResponse> {
    const metadata = new Metadata();
    if (this.#options.token) metadata.set('authorization', `Bearer ${this.#options.token}`);
    return this.#client.generateReply(request, { deadline: Date.now() + this.#options.timeoutMs, metadata, signal });
  }

  #failure(err: unknown, signal: AbortSignal): ProviderError {
    const provider = this.name;
    if (signal.aborted) return new ProviderError('aborted by the caller', { provider, reason: 'cancelled', retryable: true, cause: err });
    const code = (err as Partial<ServiceError>).code;
    const details = (err as Partial<ServiceError>).details ?? String(err);
    const failure = typeof code === 'number' ? failureForCode(code) : { reason: 'server-error' as const, retryable: false };
    const name = typeof code === 'number' ? status[code] : 'error';
    return new ProviderError(`${name}: ${details}`, { provider, ...failure, retryAfterMs: pushback(err), cause: err });
  }
}

function failureForCode(code: number): { reason: ProviderFailure; retryable: boolean } {
  switch (code) {
    case status.UNAVAILABLE:
      return { reason: 'connection', retryable: true };
    case status.RESOURCE_EXHAUSTED:
      return { reason: 'rate-limited', retryable: true };
    case status.DEADLINE_EXCEEDED:
      return { reason: 'timeout', retryable: true };
    case status.UNAUTHENTICATED:
    case status.PERMISSION_DENIED:
      return { reason: 'auth', retryable: false };
    case status.INTERNAL:
    case status.UNKNOWN:
    case status.DATA_LOSS:
    case status.ABORTED:
      return { reason: 'server-error', retryable: true };
    // INVALID_ARGUMENT, FAILED_PRECONDITION, UNIMPLEMENTED, NOT_FOUND...: the endpoint will not do it.
    default:
      return { reason: 'bad-request', retryable: false };
  }
}

/**
 * gRFC A6: a server may say how long to wait before retrying, in trailing metadata. Like the HTTP
 * SDKs with retry-after, a wait over a minute is ignored in favour of our own backoff.
 */
function pushback(err: unknown): number | undefined {
  const metadata = (err as Partial<ServiceError>).metadata;
  const value = metadata instanceof Metadata ? metadata.get('grpc-retry-pushback-ms')[0] : undefined;
  const ms = typeof value === 'string' ? Number.parseInt(value, 10) : Number.NaN;
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_PUSHBACK_MS ? ms : undefined;
}

export function toBotRequest(req: ReplyRequest, deadlineMs: number): BotRequest {
  const post = (text: string, who?: PersonContext) => ({ text, authorDid: who?.did ?? '', authorHandle: who?.handle ?? '' });
  const person = (p: PersonContext) => ({
    did: p.did,
    handle: p.handle,
    displayName: p.displayName ?? '',
    description: p.description ?? '',
    recentPosts: p.recentPosts.map((text) => post(text, p)),
    interests: p.interests,
    activeRecently: p.activeRecently ?? false,
    lastActiveUs: p.lastActiveAt ? BigInt(Date.parse(p.lastActiveAt)) * 1000n : 0n,
  });
  return {
    taskId: req.taskId,
    botId: req.botId,
    botHandle: req.botHandle ?? '',
    post: { ...post(req.post.text, req.author), ref: { uri: req.post.uri, cid: '' }, langs: req.langs ?? [] },
    thread: req.thread.map((t) => ({ text: t.text, authorDid: t.authorDid, authorHandle: t.authorHandle })),
    author: person(req.author),
    ...(req.mention
      ? { mention: { person: person(req.mention), reason: req.mention.reason, similarity: req.mention.similarity ?? 0 } }
      : {}),
    constraints: {
      maxGraphemes: req.maxGraphemes,
      mentionHandle: req.mention?.handle ?? '',
      linksAllowed: req.allowLinks,
      langs: req.langs ?? [],
      deadlineMs,
    },
  };
}

export function fromBotResponse(provider: string, res: GenerateReplyResponse, requestedModel: string): ReplyResult {
  const text = res.text.trim();
  if (!text) throw new ProviderError('the bot answered with no text', { provider, reason: 'empty', retryable: false });
  if (!Number.isFinite(res.costUsd) || res.costUsd < 0) throw malformed(provider, `cost_usd is ${res.costUsd}`);
  return {
    text,
    model: res.model || requestedModel || 'external',
    tokensIn: res.tokensIn,
    tokensOut: res.tokensOut,
    // proto3 cannot tell 0 from unset; the contract says "when known", so 0 means unknown.
    ...(res.costUsd > 0 ? { costUsd: res.costUsd } : {}),
  };
}
