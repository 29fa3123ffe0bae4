// Talking from the person's own account: post (or reply), like, unlike, repost. Each is written
// with the person's session to the person's own server; the bots answer as they do anywhere.
import type { Agent } from '@atproto/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { resumeAgent, SignInError } from '../session/agent.ts';
import { type SessionDeps, sessionOf, setSession } from './session.ts';

const REF = {
  type: 'object',
  required: ['uri', 'cid'],
  additionalProperties: false,
  properties: { uri: { type: 'string', pattern: '^at://' }, cid: { type: 'string', minLength: 1 } },
} as const;

/** Runs `act` with an agent acting as the signed-in person; 401 when nobody is, or the session has ended. */
export async function asPerson<T>(
  req: FastifyRequest,
  reply: FastifyReply,
  deps: SessionDeps,
  act: (agent: Agent) => Promise<T>,
): Promise<T | FastifyReply> {
  const s = sessionOf(req, deps.seal);
  if (!s) return reply.code(401).send({ error: 'signed_out', message: 'sign in first' });
  try {
    const { agent, current } = await resumeAgent(s, deps.oauth());
    const out = await act(agent);
    const now = current();
    if (now.accessJwt !== s.accessJwt) setSession(reply, deps, now);
    return out;
  } catch (err) {
    if (err instanceof SignInError) return reply.code(err.status).send({ error: 'signed_out', message: err.message });
    const status = (err as { status?: number }).status;
    if (status && status >= 400 && status < 500) return reply.code(400).send({ error: 'refused', message: (err as Error).message });
    throw err;
  }
}

export function addActions(app: FastifyInstance, deps: SessionDeps): void {
  app.post<{ Body: { text: string; replyTo?: { root: { uri: string; cid: string }; parent: { uri: string; cid: string } } } }>(
    '/api/post',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['text'],
          properties: {
            text: { type: 'string', minLength: 1, maxLength: 3000 },
            replyTo: { type: 'object', required: ['root', 'parent'], additionalProperties: false, properties: { root: REF, parent: REF } },
          },
        },
      },
    },
    async (req, reply) =>
      asPerson(req, reply, deps, (agent) => agent.post({ text: req.body.text, ...(req.body.replyTo ? { reply: req.body.replyTo } : {}) })),
  );
  app.post<{ Body: { uri: string; cid: string } }>('/api/like', { schema: { body: REF } }, async (req, reply) =>
    asPerson(req, reply, deps, (agent) => agent.like(req.body.uri, req.body.cid)),
  );
  app.post<{ Body: { uri: string; cid: string } }>('/api/repost', { schema: { body: REF } }, async (req, reply) =>
    asPerson(req, reply, deps, (agent) => agent.repost(req.body.uri, req.body.cid)),
  );
  app.delete<{ Body: { uri: string } }>(
    '/api/like',
    {
      schema: {
        body: {
          type: 'object',
          required: ['uri'],
          additionalProperties: false,
          properties: { uri: { type: 'string', pattern: '^at://' } },
        },
      },
    },
    async (req, reply) =>
      asPerson(req, reply, deps, async (agent) => {
        await agent.deleteLike(req.body.uri);
        return { ok: true };
      }),
  );
}
