// POST /v1/chat/completions, OpenAI's API: the key is checked (every request reads it, so a
// revoked key is refused at once), the model must be one the key may call, and the most the
// request could cost is held against the key's limits before anything is sent upstream. The
// answer (or its stream, as server-sent events ending in `data: [DONE]`) is OpenAI's, with the
// gateway's model id; the hold is then settled with the usage the upstream reported.
import { APIError as AnthropicAPIError } from '@anthropic-ai/sdk';
import { APIError as OpenAIAPIError } from 'openai';
import { randomUUID } from 'node:crypto';
import { backoffDelay } from '@botsky/async';
import { encode, LlmCallSchema, SUBJECTS, toUs } from '@botsky/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayContext } from '../context.ts';
import { bearer } from './auth.ts';
import { sendError } from '../errors.ts';
import { promptTokensUpperBound } from '../estimate.ts';
import type { KeyRecord } from '../keys.ts';
import { costUsd, type GatewayModel } from '../models.ts';
import type { ChatRequest, Usage } from '../upstream.ts';

interface Body extends ChatRequest {
  model: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens: number;
  n?: number;
}

const schema = {
  body: {
    type: 'object',
    required: ['model', 'messages'],
    properties: {
      model: { type: 'string', minLength: 1, maxLength: 128 },
      messages: {
        type: 'array',
        minItems: 1,
        maxItems: 1000,
        items: {
          type: 'object',
          required: ['role', 'content'],
          properties: {
            role: { enum: ['system', 'developer', 'user', 'assistant'] },
            // Text only: an image, audio or file part would cost what the hold cannot bound
            // (and an upstream could fetch its URL from inside the operator's network).
            content: {
              type: ['string', 'array'],
              maxItems: 100,
              items: {
                type: 'object',
                required: ['type', 'text'],
                additionalProperties: false,
                properties: { type: { const: 'text' }, text: { type: 'string' } },
              },
            },
            name: { type: 'string', maxLength: 64 },
          },
        },
      },
      max_tokens: { type: 'integer', minimum: 1 },
      max_completion_tokens: { type: 'integer', minimum: 1 },
      stream: { type: 'boolean' },
      stream_options: { type: 'object', properties: { include_usage: { type: 'boolean' } } },
      temperature: { type: 'number', minimum: 0, maximum: 2 },
      top_p: { type: 'number', minimum: 0, maximum: 1 },
      n: { type: 'integer', minimum: 1, maximum: 1 },
      stop: { type: ['string', 'array'], items: { type: 'string' }, maxItems: 4 },
    },
  },
} as const;

/** The key a request carries, checked; answers 401 itself when there is none. */
export async function authorize(ctx: GatewayContext, req: FastifyRequest, reply: FastifyReply): Promise<KeyRecord | undefined> {
  const given = bearer(req);
  const record = given ? await ctx.keys.verify(given) : undefined;
  if (record) return record;
  ctx.gatewayMetrics.refused.inc({ reason: 'invalid_api_key' });
  sendError(reply, 401, { message: 'Incorrect or revoked API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' });
  return undefined;
}

export function addChat(app: FastifyInstance, ctx: GatewayContext): void {
  app.post<{ Body: Body & { max_completion_tokens?: number } }>('/v1/chat/completions', { schema }, async (req, reply) => {
    const key = await authorize(ctx, req, reply);
    if (!key) return reply;
    const model = ctx.models.get(req.body.model);
    if (!model) {
      ctx.gatewayMetrics.refused.inc({ reason: 'model_not_found' });
      return sendError(reply, 404, {
        message: `The model ${req.body.model} does not exist here.`,
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_found',
      });
    }
    if (key.limits.models.length > 0 && !key.limits.models.includes(model.id)) {
      ctx.gatewayMetrics.refused.inc({ reason: 'model_not_allowed' });
      return sendError(reply, 403, {
        message: `This key may not call ${model.id}.`,
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_allowed',
      });
    }
    const asked = req.body.max_completion_tokens ?? req.body.max_tokens;
    if (asked !== undefined && asked > ctx.config.maxTokens) {
      return sendError(reply, 400, {
        message: `max_tokens is at most ${ctx.config.maxTokens} here.`,
        type: 'invalid_request_error',
        param: 'max_tokens',
        code: 'max_tokens_too_large',
      });
    }
    const maxTokens = asked ?? ctx.config.maxTokens;
    const prompt = promptTokensUpperBound(req.body.messages);
    const want = { tokens: prompt + maxTokens, usd: costUsd(model, prompt, maxTokens) };
    const held = await ctx.usage.reserve(key.id, key.limits, want);
    if (!held.ok) {
      ctx.gatewayMetrics.refused.inc({ reason: held.limit });
      return sendError(reply, 429, {
        message: held.message,
        type: held.limit === 'spend_cap' ? 'insufficient_quota' : 'rate_limit_exceeded',
        code: held.limit,
        retryAfterS: held.retryAfterS,
      });
    }
    const chat: ChatRequest = { ...pick(req.body), max_tokens: maxTokens };
    const started = performance.now();
    // Settling (the ledger, the metrics, the LlmCall) follows the answer instead of delaying it:
    // until it lands the hold, never less than the cost, is what counts. Drain waits for it.
    const settle = (usage: Usage | undefined, outcome: string): Promise<void> => {
      const ms = performance.now() - started;
      const done = settleCall(usage, outcome, ms).catch((err: unknown) => {
        ctx.logger.error(
          { keyId: key.id, err: (err as Error).message },
          'could not settle a call: its hold stays counted until it expires',
        );
      });
      ctx.settling.add(done);
      void done.finally(() => ctx.settling.delete(done));
      return Promise.resolve();
    };
    const settleCall = async (reported: Usage | undefined, outcome: string, ms: number) => {
      // Usage an upstream reported in a form that is not two counts is no usage: the hold is charged.
      const usage =
        reported && [reported.prompt_tokens, reported.completion_tokens].every((n) => Number.isInteger(n) && n >= 0) ? reported : undefined;
      // No usage reported (a cut stream, a timeout): the hold is what it cost, the safe side.
      const tokens =
        usage ??
        (outcome === 'upstream_refused'
          ? { prompt_tokens: 0, completion_tokens: 0 }
          : { prompt_tokens: prompt, completion_tokens: maxTokens });
      const used = {
        tokens: tokens.prompt_tokens + tokens.completion_tokens,
        usd: costUsd(model, tokens.prompt_tokens, tokens.completion_tokens),
      };
      const { spentUsd } = await settleWithRetries(() => ctx.usage.settle(key.id, held.hold, used));
      await record(ctx, {
        key,
        model,
        outcome,
        tokens,
        usd: used.usd,
        spentUsd,
        ms,
        streamed: req.body.stream === true,
      });
    };
    const upstream = ctx.upstreams.get(model.id);
    if (!upstream) throw new Error(`no upstream for ${model.id}`);
    const abort = new AbortController();
    // The whole answer, a stream's end included, within the upstream timeout: the SDK's own stops
    // at the response headers, and a stream that outlived its hold would let the key spend past it.
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, ctx.config.upstreamTimeoutMs);
    deadline.unref();
    reply.raw.once('finish', () => clearTimeout(deadline));
    reply.raw.once('close', () => clearTimeout(deadline));
    // The client went away before its answer was finished: stop the upstream's work (the hold is
    // settled as what it may have cost). The response's close, not the request's: that one fires
    // once the body has been read.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) abort.abort();
    });
    if (!req.body.stream) {
      try {
        const res = await upstream.complete(chat, abort.signal);
        await settle(res.usage, 'ok');
        return reply.send(res.body);
      } catch (err) {
        // Nobody is waiting for this answer any more: charged its hold, nothing to send.
        if (abort.signal.aborted && !timedOut) {
          await settle(undefined, 'client_closed');
          return reply.code(499).send({
            error: { message: 'the client closed the request', type: 'invalid_request_error', param: null, code: 'client_closed' },
          });
        }
        return upstreamFailed(reply, err, settle);
      }
    }
    const { chunks, usage } = upstream.stream(chat, abort.signal);
    const iterator = chunks[Symbol.asyncIterator]();
    let first: IteratorResult<Record<string, unknown>>;
    try {
      first = await iterator.next();
    } catch (err) {
      return upstreamFailed(reply, err, settle);
    }
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
    let outcome = 'ok';
    try {
      // The usage chunk (no choices) goes to the client only when it asked for it, as OpenAI does.
      const withUsage = req.body.stream_options?.include_usage === true;
      for (let r = first; !r.done; r = await iterator.next()) {
        const usageOnly = Array.isArray(r.value.choices) && r.value.choices.length === 0;
        if (!usageOnly || withUsage) reply.raw.write(`data: ${JSON.stringify(r.value)}\n\n`);
      }
      // The SDK ends an aborted stream quietly: the client went away, not the upstream.
      if (abort.signal.aborted) outcome = timedOut ? 'upstream_timeout' : 'client_closed';
      else reply.raw.write('data: [DONE]\n\n');
    } catch (err) {
      outcome = abort.signal.aborted ? (timedOut ? 'upstream_timeout' : 'client_closed') : 'upstream_cut';
      ctx.logger.warn({ keyId: key.id, model: model.id, err: (err as Error).message }, 'upstream stream ended early');
      reply.raw.write(
        `data: ${JSON.stringify({ error: { message: 'the upstream stream ended early', type: 'api_error', param: null, code: 'upstream_error' } })}\n\n`,
      );
    } finally {
      reply.raw.end();
      await settle(usage(), outcome);
    }
  });
}

function pick(b: Body): Omit<ChatRequest, 'max_tokens'> {
  return {
    messages: b.messages.map((m) => ({ role: m.role, content: m.content, ...(m.name ? { name: m.name } : {}) })),
    ...(b.temperature !== undefined ? { temperature: b.temperature } : {}),
    ...(b.top_p !== undefined ? { top_p: b.top_p } : {}),
    ...(b.stop !== undefined ? { stop: b.stop } : {}),
  };
}

async function upstreamFailed(reply: FastifyReply, err: unknown, settle: (u: Usage | undefined, outcome: string) => Promise<void>) {
  // An upstream that answered with an error did not bill the request; one that did not answer may have.
  const answered =
    (err instanceof OpenAIAPIError || err instanceof AnthropicAPIError) && typeof err.status === 'number' ? err.status : undefined;
  await settle(undefined, answered !== undefined ? 'upstream_refused' : 'upstream_unreachable');
  const status = answered === 429 ? 429 : 502;
  return sendError(reply, status, {
    message: answered !== undefined ? `the model's upstream answered ${answered}` : "the model's upstream did not answer",
    type: 'api_error',
    code: 'upstream_error',
  });
}

/** A settlement that fails (the bus away a moment, races lost) is tried again: a charge is not dropped lightly. */
async function settleWithRetries<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= SETTLE_ATTEMPTS - 1) throw err;
      await new Promise((r) => setTimeout(r, backoffDelay(attempt, { initialMs: 200, maxMs: 5000, jitter: 0.25 })));
    }
  }
}

const SETTLE_ATTEMPTS = 6;

interface Call {
  key: KeyRecord;
  model: GatewayModel;
  outcome: string;
  tokens: Usage;
  usd: number;
  /** The key's spend once this call was charged. */
  spentUsd: number;
  ms: number;
  streamed: boolean;
}

/** The call in the metrics, the log (the key's id, never the key) and the warehouse (an LlmCall on the bus). */
async function record(ctx: GatewayContext, c: Call): Promise<void> {
  const m = ctx.gatewayMetrics;
  const labels = { model: c.model.id, builder: c.key.builder };
  m.requests.inc({ ...labels, outcome: c.outcome });
  m.tokens.inc(labels, c.tokens.prompt_tokens + c.tokens.completion_tokens);
  m.spendUsd.inc(labels, c.usd);
  m.latency.observe({ model: c.model.id }, c.ms / 1000);
  ctx.logger.info(
    { keyId: c.key.id, ...labels, outcome: c.outcome, tokens: c.tokens, usd: c.usd, ms: Math.round(c.ms) },
    'chat completion',
  );
  const callId = randomUUID();
  const event = encode(LlmCallSchema, {
    callId,
    keyId: c.key.id,
    builder: c.key.builder,
    model: c.model.id,
    provider: c.model.provider,
    promptTokens: BigInt(c.tokens.prompt_tokens),
    completionTokens: BigInt(c.tokens.completion_tokens),
    costUsd: c.usd,
    latencyMs: BigInt(Math.round(c.ms)),
    outcome: c.outcome,
    streamed: c.streamed,
    atUs: toUs(Date.now()),
    keySpendCapUsd: c.key.limits.spendCapUsd,
    keySpentUsd: c.spentUsd,
  });
  // The ledger already holds the charge; a call the bus did not take is counted and logged, not failed.
  await ctx.bus.publish(SUBJECTS.llmCall, event, { msgId: callId }).catch((err: unknown) => {
    m.unrecorded.inc();
    ctx.logger.warn({ keyId: c.key.id, err: (err as Error).message }, 'could not publish the call to the bus');
  });
}
