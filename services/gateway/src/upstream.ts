// Calling a model's upstream. `openai` models go through the official openai SDK (OpenAI itself or
// any OpenAI-compatible server at the model's baseUrl), `anthropic` models through
// @anthropic-ai/sdk's Messages API (translated both ways: anthropic.ts). Answers come back as
// OpenAI chat completions (or their stream of chunks), with the gateway's model id in place of
// the upstream's, and the usage the upstream reported (what the request is charged).
import OpenAI from 'openai';
import { createAnthropicUpstream } from './anthropic.ts';
import type { GatewayModel } from './models.ts';
import type { ChatRequest, Upstream, Usage } from './upstream-types.ts';

export type { ChatRequest, Upstream, Usage } from './upstream-types.ts';

export function createUpstream(model: GatewayModel, timeoutMs: number): Upstream {
  if (model.provider === 'anthropic') return createAnthropicUpstream(model, timeoutMs);
  const client = new OpenAI({ apiKey: model.apiKey.reveal(), baseURL: model.baseUrl, timeout: timeoutMs, maxRetries: 0 });
  const params = (req: ChatRequest) => ({
    model: model.upstreamModel,
    messages: req.messages as OpenAI.Chat.ChatCompletionMessageParam[],
    max_tokens: req.max_tokens,
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(req.top_p !== undefined ? { top_p: req.top_p } : {}),
    ...(req.stop !== undefined ? { stop: req.stop } : {}),
  });
  return {
    async complete(req, signal) {
      const res = await client.chat.completions.create({ ...params(req), stream: false }, { signal });
      return { body: { ...(res as unknown as Record<string, unknown>), model: model.id }, usage: res.usage ?? undefined };
    },
    stream(req, signal) {
      let usage: Usage | undefined;
      async function* chunks() {
        const stream = await client.chat.completions.create(
          { ...params(req), stream: true, stream_options: { include_usage: true } },
          { signal },
        );
        for await (const chunk of stream) {
          if (chunk.usage) usage = { prompt_tokens: chunk.usage.prompt_tokens, completion_tokens: chunk.usage.completion_tokens };
          yield { ...(chunk as unknown as Record<string, unknown>), model: model.id };
        }
      }
      return { chunks: chunks(), usage: () => usage };
    },
  };
}
