// A stand-in for OpenAI's Chat Completions endpoint (`POST /v1/chat/completions`), speaking its
// wire format: bearer auth, the documented completion object with `usage`, and errors as
// `{ error: { message, type, param, code } }`. The real openai SDK is pointed at it.
import {
  header,
  hang,
  sendJson,
  stallMidBody,
  sendRaw,
  startScriptedServer,
  type RecordedRequest,
  type ScriptedServer,
  type Step,
} from './scripted-http.ts';

export const OPENAI_KEY = 'sk-test-stand-in';

export interface OpenAIStandIn extends ScriptedServer {
  /** The base URL to give the SDK (with /v1). */
  baseURL: string;
}

export async function startOpenAIStandIn(steps: readonly Step[]): Promise<OpenAIStandIn> {
  const server = await startScriptedServer(steps, checkProtocol);
  return Object.assign(server, { baseURL: `${server.origin}/v1` });
}

function checkProtocol(req: RecordedRequest): Step | undefined {
  if (req.method !== 'POST' || req.path !== '/v1/chat/completions') {
    return openaiError(404, 'invalid_request_error', `Unknown request URL: ${req.method} ${req.path}`, 'unknown_url');
  }
  if (header(req, 'authorization') !== `Bearer ${OPENAI_KEY}`) {
    return openaiError(401, 'invalid_request_error', 'Incorrect API key provided.', 'invalid_api_key');
  }
  const body = req.body as { model?: unknown; messages?: unknown } | undefined;
  if (typeof body?.model !== 'string' || !Array.isArray(body.messages) || body.messages.length === 0) {
    return openaiError(400, 'invalid_request_error', 'model and messages are required.', null);
  }
  return undefined;
}

export interface CompletionOptions {
  model?: string;
  finishReason?: string;
  usage?: { prompt_tokens: number; completion_tokens: number };
  refusal?: string | null;
}

/** A normal chat completion. `text` may be computed from the request (to echo its mention). */
export function completion(text: string | null | ((req: RecordedRequest) => string), opts: CompletionOptions = {}): Step {
  return (req, res) => {
    const content = typeof text === 'function' ? text(req) : text;
    const usage = opts.usage ?? { prompt_tokens: 120, completion_tokens: 18 };
    sendJson(res, 200, {
      id: `chatcmpl-${req.at.toFixed(0)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: opts.model ?? (req.body as { model: string }).model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal: opts.refusal ?? null },
          logprobs: null,
          finish_reason: opts.finishReason ?? 'stop',
        },
      ],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    });
  };
}

/** What OpenAI sends when the model declines: `content` null and the reason in `refusal`. */
export const refusal = (reason: string): Step => completion(null, { refusal: reason });

export function openaiError(
  status: number,
  type: string,
  message: string,
  code: string | null,
  headers: Record<string, string> = {},
): Step {
  return (_req, res) => sendJson(res, status, { error: { message, type, param: null, code } }, headers);
}

/** 429 as OpenAI sends it; `retryAfterMs` adds the `retry-after-ms` header the SDK prefers. */
export function rateLimited(opts: { retryAfter?: number; retryAfterMs?: number; code?: string } = {}): Step {
  const headers: Record<string, string> = {};
  if (opts.retryAfter !== undefined) headers['retry-after'] = String(opts.retryAfter);
  if (opts.retryAfterMs !== undefined) headers['retry-after-ms'] = String(opts.retryAfterMs);
  const code = opts.code ?? 'rate_limit_exceeded';
  const type = code === 'insufficient_quota' ? 'insufficient_quota' : 'requests';
  return openaiError(429, type, 'Rate limit reached for requests.', code, headers);
}

export const serverError = (status = 500): Step =>
  openaiError(status, 'server_error', 'The server had an error while processing your request.', null);

/** Any 2xx body: for answers that are JSON but not a completion. */
export const json =
  (body: unknown): Step =>
  (_req, res) =>
    sendJson(res, 200, body);

/** A body that is not what its content type says, or not JSON at all. */
export const garbage =
  (body: string, contentType = 'application/json'): Step =>
  (_req, res) =>
    sendRaw(res, 200, body, contentType);

export { hang, stallMidBody };

/**
 * A streamed chat completion, as OpenAI sends it with `stream: true`: server-sent
 * `chat.completion.chunk`s (the role first, the text word by word, the finish reason), the usage
 * chunk (empty `choices`) when `stream_options.include_usage` asks for it, then `data: [DONE]`.
 * `cutAfter` ends the connection after that many text chunks, with no usage and no [DONE].
 */
export function completionStream(
  text: string | ((req: RecordedRequest) => string),
  opts: CompletionOptions & { cutAfter?: number } = {},
): Step {
  return (req, res) => {
    const content = typeof text === 'function' ? text(req) : text;
    const body = req.body as { model: string; stream_options?: { include_usage?: boolean } };
    const usage = opts.usage ?? { prompt_tokens: 120, completion_tokens: 18 };
    const base = {
      id: `chatcmpl-${req.at.toFixed(0)}`,
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model: opts.model ?? body.model,
    };
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (x: unknown) => res.write(`data: ${JSON.stringify(x)}\n\n`);
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      send({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
    chunk({ role: 'assistant', content: '' }, null);
    const words = content.split(/(?= )/);
    for (const [i, w] of words.entries()) {
      if (opts.cutAfter !== undefined && i >= opts.cutAfter) return void res.destroy();
      chunk({ content: w }, null);
    }
    chunk({}, opts.finishReason ?? 'stop');
    if (body.stream_options?.include_usage)
      send({ ...base, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } });
    res.end('data: [DONE]\n\n');
  };
}

/** Answers with `step` after `ms` (a model that takes its time). */
export const delayed =
  (ms: number, step: Step): Step =>
  (req, res) =>
    void setTimeout(() => step(req, res), ms);
