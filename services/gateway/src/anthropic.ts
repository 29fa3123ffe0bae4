// An `anthropic` model's upstream: Anthropic's Messages API through @anthropic-ai/sdk, spoken to
// in OpenAI's terms. Requests: system and developer messages become `system`, the others the
// turns (consecutive ones of one role joined), `stop` becomes `stop_sequences`, `temperature` is
// held to Anthropic's 0..1. Answers: the text blocks joined as the message's content, the stop
// reason as OpenAI's finish reason, `input_tokens`/`output_tokens` as the usage; a stream's events
// (message_start, text deltas, message_delta) as OpenAI's chunks.
import Anthropic from '@anthropic-ai/sdk';
import { contentText } from './estimate.ts';
import type { GatewayModel } from './models.ts';
import type { ChatRequest, Upstream, Usage } from './upstream-types.ts';

const FINISH: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
  pause_turn: 'stop',
};

export function toAnthropic(req: ChatRequest, upstreamModel: string): Anthropic.MessageCreateParamsNonStreaming {
  const system = req.messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => contentText(m.content))
    .join('\n\n');
  const turns: Anthropic.MessageParam[] = [];
  for (const m of req.messages) {
    if (m.role !== 'user' && m.role !== 'assistant') continue;
    const text = contentText(m.content);
    const last = turns.at(-1);
    if (last && last.role === m.role) last.content = `${last.content as string}\n\n${text}`;
    else turns.push({ role: m.role, content: text });
  }
  return {
    model: upstreamModel,
    max_tokens: req.max_tokens,
    messages: turns,
    ...(system ? { system } : {}),
    ...(req.temperature !== undefined ? { temperature: Math.min(1, req.temperature) } : {}),
    ...(req.top_p !== undefined ? { top_p: req.top_p } : {}),
    ...(req.stop !== undefined ? { stop_sequences: Array.isArray(req.stop) ? req.stop : [req.stop] } : {}),
  };
}

export function fromAnthropic(msg: Anthropic.Message, modelId: string): { body: Record<string, unknown>; usage: Usage } {
  const text = msg.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  const usage = { prompt_tokens: msg.usage.input_tokens, completion_tokens: msg.usage.output_tokens };
  return {
    usage,
    body: {
      id: msg.id,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: modelId,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: text, refusal: null },
          logprobs: null,
          finish_reason: FINISH[msg.stop_reason ?? ''] ?? 'stop',
        },
      ],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    },
  };
}

export function createAnthropicUpstream(model: GatewayModel, timeoutMs: number): Upstream {
  // baseURL explicit, so the SDK reads no ANTHROPIC_BASE_URL: only config reads the environment.
  const client = new Anthropic({ apiKey: model.apiKey.reveal(), baseURL: model.baseUrl, timeout: timeoutMs, maxRetries: 0 });
  return {
    async complete(req, signal) {
      const msg = await client.messages.create(toAnthropic(req, model.upstreamModel), { signal });
      return fromAnthropic(msg, model.id);
    },
    stream(req, signal) {
      let input: number | undefined;
      let output: number | undefined;
      let ended = false;
      async function* chunks() {
        const events = await client.messages.create({ ...toAnthropic(req, model.upstreamModel), stream: true }, { signal });
        let id = '';
        const created = Math.floor(Date.now() / 1000);
        const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
          id,
          object: 'chat.completion.chunk',
          created,
          model: model.id,
          choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        });
        for await (const ev of events) {
          if (ev.type === 'message_start') {
            id = ev.message.id;
            input = ev.message.usage.input_tokens;
            yield chunk({ role: 'assistant', content: '' }, null);
          } else if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') {
            yield chunk({ content: ev.delta.text }, null);
          } else if (ev.type === 'message_delta') {
            output = ev.usage.output_tokens;
            yield chunk({}, FINISH[ev.delta.stop_reason ?? ''] ?? 'stop');
          } else if (ev.type === 'message_stop') {
            ended = true;
          }
        }
        if (ended && input !== undefined && output !== undefined) {
          yield {
            id,
            object: 'chat.completion.chunk',
            created,
            model: model.id,
            choices: [],
            usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
          };
        }
      }
      return {
        chunks: chunks(),
        usage: () =>
          ended && input !== undefined && output !== undefined ? { prompt_tokens: input, completion_tokens: output } : undefined,
      };
    },
  };
}
