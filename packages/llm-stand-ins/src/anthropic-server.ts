// A stand-in for Anthropic's Messages API (`POST /v1/messages`), speaking its wire format: the
// `anthropic-version` header required, the key as `x-api-key` or a bearer token (the current
// SDK sends the latter), `max_tokens` required, the answer as `content` blocks with
// `usage.input_tokens/output_tokens`, and errors as `{ type: 'error', error: { type, message } }`.
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

export const ANTHROPIC_KEY = 'sk-ant-test-stand-in';

export async function startAnthropicStandIn(steps: readonly Step[]): Promise<ScriptedServer> {
  return startScriptedServer(steps, checkProtocol);
}

function checkProtocol(req: RecordedRequest): Step | undefined {
  if (req.method !== 'POST' || req.path !== '/v1/messages') return anthropicError(404, 'not_found_error', 'Not found');
  const key = header(req, 'x-api-key') ?? header(req, 'authorization')?.replace(/^Bearer /, '');
  if (key !== ANTHROPIC_KEY) return anthropicError(401, 'authentication_error', 'invalid x-api-key');
  if (!header(req, 'anthropic-version')) return anthropicError(400, 'invalid_request_error', 'anthropic-version: header is required');
  const body = req.body as { model?: unknown; max_tokens?: unknown; messages?: unknown } | undefined;
  if (typeof body?.model !== 'string') return anthropicError(400, 'invalid_request_error', 'model: Field required');
  if (typeof body.max_tokens !== 'number') return anthropicError(400, 'invalid_request_error', 'max_tokens: Field required');
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return anthropicError(400, 'invalid_request_error', 'messages: Field required');
  return undefined;
}

export interface MessageOptions {
  model?: string;
  stopReason?: string;
  usage?: { input_tokens: number; output_tokens: number };
  /** Blocks before the text block (a thinking block, say). */
  before?: unknown[];
}

/** A normal message. `text` may be computed from the request (to echo its mention). */
export function message(text: string | ((req: RecordedRequest) => string), opts: MessageOptions = {}): Step {
  return (req, res) => {
    const content = typeof text === 'function' ? text(req) : text;
    sendJson(
      res,
      200,
      {
        id: `msg_${req.at.toFixed(0)}`,
        type: 'message',
        role: 'assistant',
        model: opts.model ?? (req.body as { model: string }).model,
        content: [...(opts.before ?? []), ...(content ? [{ type: 'text', text: content }] : [])],
        stop_reason: opts.stopReason ?? 'end_turn',
        stop_sequence: null,
        usage: opts.usage ?? { input_tokens: 150, output_tokens: 21 },
      },
      { 'request-id': 'req_stand_in' },
    );
  };
}

export function anthropicError(status: number, type: string, msg: string, headers: Record<string, string> = {}): Step {
  return (_req, res) => sendJson(res, status, { type: 'error', error: { type, message: msg }, request_id: 'req_stand_in' }, headers);
}

export const rateLimited = (retryAfter: number): Step =>
  anthropicError(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', {
    'retry-after': String(retryAfter),
  });
export const overloaded = (): Step => anthropicError(529, 'overloaded_error', 'Overloaded');
export const apiError = (): Step => anthropicError(500, 'api_error', 'Internal server error');
export const json =
  (body: unknown): Step =>
  (_req, res) =>
    sendJson(res, 200, body);
export const garbage =
  (body: string, contentType = 'application/json'): Step =>
  (_req, res) =>
    sendRaw(res, 200, body, contentType);

export { hang, stallMidBody };

/**
 * A streamed message, as Anthropic sends it with `stream: true`: server-sent events
 * `message_start` (with the input tokens), `content_block_start`, a `content_block_delta`
 * (`text_delta`) per word, `content_block_stop`, `message_delta` (the stop reason and output
 * tokens), `message_stop`.
 */
export function messageStream(text: string | ((req: RecordedRequest) => string), opts: MessageOptions = {}): Step {
  return (req, res) => {
    const content = typeof text === 'function' ? text(req) : text;
    const usage = opts.usage ?? { input_tokens: 150, output_tokens: 21 };
    res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_stand_in' });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('message_start', {
      type: 'message_start',
      message: {
        id: `msg_${req.at.toFixed(0)}`,
        type: 'message',
        role: 'assistant',
        model: opts.model ?? (req.body as { model: string }).model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: usage.input_tokens, output_tokens: 1 },
      },
    });
    send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    for (const w of content.split(/(?= )/))
      send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: w } });
    send('content_block_stop', { type: 'content_block_stop', index: 0 });
    send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: opts.stopReason ?? 'end_turn', stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    });
    send('message_stop', { type: 'message_stop' });
    res.end();
  };
}
