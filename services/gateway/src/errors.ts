// Errors in OpenAI's shape, `{ error: { message, type, param, code } }`, with Retry-After where
// waiting helps: what OpenAI's SDKs and every OpenAI-compatible client already understand.
import type { FastifyReply } from 'fastify';

export function sendError(
  reply: FastifyReply,
  status: number,
  e: { message: string; type: string; code: string | null; param?: string | null; retryAfterS?: number | undefined },
): FastifyReply {
  if (e.retryAfterS !== undefined) reply.header('retry-after', String(e.retryAfterS));
  return reply.code(status).send({ error: { message: e.message, type: e.type, param: e.param ?? null, code: e.code } });
}
