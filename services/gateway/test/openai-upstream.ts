// An OpenAI-compatible upstream on 127.0.0.1 for the gateway's tests, speaking Chat Completions'
// wire format: bearer auth, the completion object with `usage`, and with `stream: true` the
// server-sent chunks, the usage chunk last when `stream_options.include_usage` asks for it, then
// `data: [DONE]`. It answers "echo: <the last user message>", counts the requests it served,
// and can be told to take a while (for concurrency).
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export const UPSTREAM_KEY = 'sk-upstream-test';

export interface TestUpstream {
  baseURL: string;
  served: number;
  bodies: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

const read = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
};

export async function startUpstream(
  o: { delayMs?: number; usage?: { prompt_tokens: number; completion_tokens: number } } = {},
): Promise<TestUpstream> {
  const state = { served: 0, bodies: [] as Array<Record<string, unknown>> };
  const server = createServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${UPSTREAM_KEY}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
        }),
      );
      return;
    }
    const body = await read(req);
    state.bodies.push(body);
    if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs));
    state.served++;
    const messages = body.messages as Array<{ role: string; content: string }>;
    const text = `echo: ${messages.at(-1)?.content ?? ''}`;
    const usage = o.usage ?? { prompt_tokens: 10, completion_tokens: 5 };
    const base = { id: `chatcmpl-${state.served}`, created: Math.floor(Date.now() / 1000), model: String(body.model) };
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          ...base,
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop', logprobs: null }],
          usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      res.write(
        `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`,
      );
    chunk({ role: 'assistant', content: '' }, null);
    for (const word of text.split(/(?= )/)) chunk({ content: word }, null);
    chunk({}, 'stop');
    if ((body.stream_options as { include_usage?: boolean } | undefined)?.include_usage)
      res.write(
        `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } })}\n\n`,
      );
    res.end('data: [DONE]\n\n');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    baseURL: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}
