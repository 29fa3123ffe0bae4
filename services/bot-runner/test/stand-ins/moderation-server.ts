// A stand-in for OpenAI's moderation endpoint (`POST /v1/moderations`), speaking its wire format:
// bearer auth, `{ model, input }` in, the documented moderation object out (every category with a
// boolean and a score), errors as `{ error: { message, type, param, code } }`. The real openai
// SDK is pointed at it. Error steps (openaiError, serverError, hang...) come from openai-server.ts.
import { OPENAI_KEY, openaiError } from '@botsky/llm-stand-ins/openai';
import {
  header,
  sendJson,
  startScriptedServer,
  type RecordedRequest,
  type ScriptedServer,
  type Step,
} from '@botsky/llm-stand-ins/scripted-http';

export const MODERATION_CATEGORIES = [
  'harassment',
  'harassment/threatening',
  'hate',
  'hate/threatening',
  'illicit',
  'illicit/violent',
  'self-harm',
  'self-harm/instructions',
  'self-harm/intent',
  'sexual',
  'sexual/minors',
  'violence',
  'violence/graphic',
] as const;
export type ModerationCategory = (typeof MODERATION_CATEGORIES)[number];

export interface ModerationStandIn extends ScriptedServer {
  /** The base URL to give the SDK (with /v1). */
  baseURL: string;
  /** The texts it was asked about, in order. */
  inputs(): string[];
}

export async function startModerationStandIn(steps: readonly Step[]): Promise<ModerationStandIn> {
  const server = await startScriptedServer(steps, checkProtocol);
  const inputs = () =>
    server.requests.filter((r) => r.path === '/v1/moderations').map((r) => String((r.body as { input?: unknown }).input));
  return Object.assign(server, { baseURL: `${server.origin}/v1`, inputs });
}

function checkProtocol(req: RecordedRequest): Step | undefined {
  if (req.method !== 'POST' || req.path !== '/v1/moderations') {
    return openaiError(404, 'invalid_request_error', `Unknown request URL: ${req.method} ${req.path}`, 'unknown_url');
  }
  if (header(req, 'authorization') !== `Bearer ${OPENAI_KEY}`) {
    return openaiError(401, 'invalid_request_error', 'Incorrect API key provided.', 'invalid_api_key');
  }
  const body = req.body as { input?: unknown; model?: unknown } | undefined;
  const input = body?.input;
  if (typeof input !== 'string' && !Array.isArray(input))
    return openaiError(400, 'invalid_request_error', "'input' is a required property", null);
  if (body?.model !== undefined && typeof body.model !== 'string')
    return openaiError(400, 'invalid_request_error', "'model' must be a string", null);
  return undefined;
}

/** The moderation object for one input, with these categories flagged at these scores. */
export function moderationResult(flagged: Partial<Record<ModerationCategory, number>>): unknown {
  const categories: Record<string, boolean> = {};
  const scores: Record<string, number> = {};
  const applied: Record<string, string[]> = {};
  for (const c of MODERATION_CATEGORIES) {
    categories[c] = flagged[c] !== undefined;
    scores[c] = flagged[c] ?? 0.0001;
    applied[c] = ['text'];
  }
  return { flagged: Object.keys(flagged).length > 0, categories, category_scores: scores, category_applied_input_types: applied };
}

/** Answers every input with a verdict computed from its text (none flagged when `judge` returns {}). */
export function moderation(judge: (input: string) => Partial<Record<ModerationCategory, number>> = () => ({})): Step {
  return (req, res) => {
    const body = req.body as { input: string | string[]; model?: string };
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    sendJson(res, 200, {
      id: `modr-${req.at.toFixed(0)}`,
      model: body.model ?? 'omni-moderation-latest',
      results: inputs.map((i) => moderationResult(judge(String(i)))),
    });
  };
}

/** Every input flagged in these categories. */
export const flagged = (categories: Partial<Record<ModerationCategory, number>>): Step => moderation(() => categories);
