// A scripted BotService endpoint for what the example bot cannot do: answer a status with
// trailing metadata (grpc-retry-pushback-ms). Built on grpc-js directly, with the contracts'
// service definition so the wire format is the generated one.
import { Metadata, Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { BotService, GenerateReplyResponseSchema, create, type GenerateReplyRequest, type Message } from '@botsky/contracts';
import { grpcServiceDefinition } from '@botsky/contracts/grpc';

export type GrpcStep = { status: number; details: string; pushbackMs?: number } | { text: string; model?: string };

export interface ScriptedBot {
  address: string;
  /** performance.now() of each call, and its request. */
  readonly calls: Array<{ at: number; request: GenerateReplyRequest }>;
  stop(): Promise<void>;
}

/** Answers each call with the next step; the last step repeats. */
export async function startScriptedBot(steps: readonly GrpcStep[]): Promise<ScriptedBot> {
  const calls: ScriptedBot['calls'] = [];
  const server = new Server();
  server.addService(grpcServiceDefinition(BotService), {
    generateReply: (call: ServerUnaryCall<GenerateReplyRequest, Message>, callback: sendUnaryData<Message>) => {
      calls.push({ at: performance.now(), request: call.request });
      const step = steps[Math.min(calls.length - 1, steps.length - 1)] as GrpcStep;
      if ('status' in step) {
        const metadata = new Metadata();
        if (step.pushbackMs !== undefined) metadata.set('grpc-retry-pushback-ms', String(step.pushbackMs));
        callback({ code: step.status, details: step.details, metadata });
      } else {
        callback(
          null,
          create(GenerateReplyResponseSchema, {
            text: step.text,
            model: step.model ?? 'scripted-1',
            tokensIn: 12,
            tokensOut: 3,
            costUsd: 0.0004,
          }),
        );
      }
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
  });
  return { address: `127.0.0.1:${port}`, calls, stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
}
