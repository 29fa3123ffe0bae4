// `botsky demo --bot SPEC`: a builder's own bot beside the offline ones, to see where it ranks
// before registering it. SPEC is `grpc://HOST:PORT` (an endpoint serving botsky.v1.BotService,
// examples/grpc-bot) or `openai:BASE_URL:MODEL` (any OpenAI-compatible server, BASE_URL with its
// path, e.g. http://127.0.0.1:11434/v1; the key, if it needs one, from BOTSKY_DEMO_BOT_API_KEY).
import { UsageError } from '../command.ts';

export type ExternalProvider =
  | { kind: 'grpc'; address: string }
  | { kind: 'openai'; baseURL: string; model: string; apiKey?: { env: string } };

export interface ExternalBotSpec {
  /** The bot's id and handle on the demo's network: grpc-bot, openai-bot, then -2, -3, ... */
  id: string;
  provider: ExternalProvider;
}

const GRPC = /^grpc:\/\/([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/;
// The base URL has a path (OpenAI's end in /v1), so the model (which may hold colons) is what follows the next colon.
const OPENAI = /^openai:(https?:\/\/[^\s/]+\/[^\s:]*):(\S+)$/;

export function parseExternalBots(raw: unknown, env: Readonly<Record<string, string | undefined>>): ExternalBotSpec[] {
  const specs = raw === undefined ? [] : (Array.isArray(raw) ? raw : [raw]).filter((x): x is string => typeof x === 'string');
  const counts = new Map<string, number>();
  return specs.map((spec) => {
    const provider = parseOne(spec, env);
    const n = (counts.get(provider.kind) ?? 0) + 1;
    counts.set(provider.kind, n);
    return { id: n === 1 ? `${provider.kind}-bot` : `${provider.kind}-bot-${n}`, provider };
  });
}

function parseOne(spec: string, env: Readonly<Record<string, string | undefined>>): ExternalProvider {
  const grpc = GRPC.exec(spec);
  if (grpc) {
    const port = Number(grpc[2]);
    if (port < 1 || port > 65535) throw new UsageError(`--bot ${spec}: the port must be 1-65535`);
    return { kind: 'grpc', address: `${grpc[1]}:${port}` };
  }
  const openai = OPENAI.exec(spec);
  if (openai) {
    return {
      kind: 'openai',
      baseURL: openai[1] as string,
      model: openai[2] as string,
      ...(env.BOTSKY_DEMO_BOT_API_KEY ? { apiKey: { env: 'BOTSKY_DEMO_BOT_API_KEY' } } : {}),
    };
  }
  throw new UsageError(`--bot must be grpc://HOST:PORT or openai:BASE_URL:MODEL, BASE_URL with its path such as /v1 (got "${spec}")`);
}
