// atproto OAuth sign-in: GET /api/oauth/login?handle=... sends the browser to the person's own
// server to authorize BotSky; GET /oauth/callback takes the answer, keeps the session (KV,
// sealed) and sets the session cookie, which then names only the DID; GET
// /oauth/client-metadata.json is the client's metadata, for a server to fetch (not needed for
// the loopback client of a local run).
import { Agent } from '@atproto/api';
import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { cookieValue } from '../session/cookie.ts';
import { OAUTH_SCOPE } from '../session/oauth.ts';

const NONCE_COOKIE = 'botsky_oauth_nonce';
import { type SessionDeps, setSession } from './session.ts';

export function addOAuth(app: FastifyInstance, deps: SessionDeps): void {
  const unavailable = { error: 'unavailable', message: 'OAuth sign-in is not ready yet' };
  app.get<{ Querystring: { handle: string } }>(
    '/api/oauth/login',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['handle'],
          additionalProperties: false,
          properties: { handle: { type: 'string', minLength: 3, maxLength: 256 } },
        },
      },
    },
    async (req, reply) => {
      const oauth = deps.oauth();
      if (!oauth) return reply.code(503).send(unavailable);
      try {
        // The authorization is tied to this browser: the callback must come with the same nonce.
        const nonce = randomBytes(16).toString('base64url');
        const url = await oauth.authorize(req.query.handle.trim().replace(/^@/, ''), { scope: OAUTH_SCOPE, state: nonce });
        reply.header(
          'set-cookie',
          `${NONCE_COOKIE}=${nonce}; Path=/oauth; HttpOnly; SameSite=Lax; Max-Age=3600${deps.secureCookies ? '; Secure' : ''}`,
        );
        return reply.redirect(url.toString());
      } catch (err) {
        app.log.info({ err }, 'OAuth sign-in could not start');
        return reply.code(400).send({ error: 'sign_in_failed', message: `cannot sign in ${req.query.handle}: ${(err as Error).message}` });
      }
    },
  );
  app.get('/oauth/callback', async (req, reply) => {
    const oauth = deps.oauth();
    if (!oauth) return reply.code(503).send(unavailable);
    try {
      const { session, state } = await oauth.callback(new URL(req.url, 'http://callback').searchParams);
      if (!state || state !== cookieValue(req.headers.cookie, NONCE_COOKIE)) {
        await oauth.revoke(session.did).catch(() => undefined);
        return reply.code(400).send({ error: 'sign_in_failed', message: 'that authorization was not started in this browser' });
      }
      const me = await new Agent(session).com.atproto.server.getSession();
      setSession(reply, deps, {
        kind: 'oauth',
        did: session.did,
        handle: me.data.handle,
        service: session.serverMetadata.issuer,
        accessJwt: '',
        refreshJwt: '',
      });
      return reply.redirect('/');
    } catch (err) {
      app.log.info({ err }, 'OAuth callback refused');
      return reply.code(400).send({ error: 'sign_in_failed', message: 'the authorization did not complete; try signing in again' });
    }
  });
  app.get('/oauth/client-metadata.json', async (_req, reply) => {
    const oauth = deps.oauth();
    if (!oauth) return reply.code(503).send(unavailable);
    return oauth.clientMetadata;
  });
}
