// A minimal external bot: serves botsky.v1.BotService (proto/botsky/v1/bot.proto) over gRPC.
// Its reply is deterministic and follows the constraints BotSky sends (length, exactly one
// mention of the chosen person, no links), so BotSky's output check accepts it. Replace
// `writeReply` with a call to your own model; keep the constraints.
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import { BotService, type GenerateReplyRequest, type GenerateReplyResponseSchema, type MessageInitShape } from '@botsky/contracts';
import { GrpcStatusError, addGrpcService, type GrpcCallContext } from '@botsky/contracts/grpc';

export type Reply = MessageInitShape<typeof GenerateReplyResponseSchema>;
export type WriteReply = (request: GenerateReplyRequest, context: GrpcCallContext) => Reply | Promise<Reply>;

export interface BotServerOptions {
  /** Default 127.0.0.1; a bot in a container listens on 0.0.0.0. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** When set, calls must carry `authorization: Bearer <token>` (BotSky sends it when configured). */
  token?: string;
  /** How to write a reply; default the example's. */
  writeReply?: WriteReply;
}

export interface RunningBot {
  /** host:port, as BotSky's registry entry names it. */
  address: string;
  port: number;
  stop(): Promise<void>;
}

export async function startBotServer(options: BotServerOptions = {}): Promise<RunningBot> {
  const host = options.host ?? '127.0.0.1';
  const write = options.writeReply ?? writeReply;
  const server = new Server();
  addGrpcService(server, BotService, {
    generateReply: (request, context) => {
      if (options.token !== undefined && context.metadata.get('authorization')[0] !== `Bearer ${options.token}`) {
        throw new GrpcStatusError(status.UNAUTHENTICATED, 'missing or wrong bearer token');
      }
      return write(request, context);
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${options.port ?? 0}`, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
  });
  return {
    address: `${host}:${port}`,
    port,
    // Give calls in flight a moment, then cut them off, so a stop never hangs.
    stop: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), 2000);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}

/**
 * The example's reply: picks the post's longest word as its topic and introduces the chosen
 * person. It never copies the post (which may hold links or @handles), so it stays inside the rules.
 */
export function writeReply(request: GenerateReplyRequest): Reply {
  const text = request.post?.text.trim() ?? '';
  if (!text) throw new GrpcStatusError(status.INVALID_ARGUMENT, 'the post has no text to answer');
  const topic = longestWord(text) ?? 'this';
  const handle = request.constraints?.mentionHandle ?? '';
  const reply = handle
    ? `Interesting take on ${topic}! @${handle} might have thoughts on it too. What got you started?`
    : `Interesting take on ${topic}! What got you started?`;
  const limited = clip(reply, request.constraints?.maxGraphemes || 300, handle);
  return { text: limited, model: 'example-deterministic-1', tokensIn: 0, tokensOut: 0, costUsd: 0 };
}

function longestWord(text: string): string | undefined {
  const words = text.match(/\p{L}{4,20}/gu) ?? [];
  return words.reduce<string | undefined>((best, w) => (best === undefined || w.length > best.length ? w.toLowerCase() : best), undefined);
}

// Cut to the grapheme limit, but never through the mention: then fall back to the mention alone.
function clip(text: string, maxGraphemes: number, handle: string): string {
  const graphemes = [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);
  if (graphemes.length <= maxGraphemes) return text;
  const cut = graphemes.slice(0, maxGraphemes).join('');
  return !handle || cut.includes(`@${handle}`) ? cut : `@${handle}`.slice(0, maxGraphemes);
}
