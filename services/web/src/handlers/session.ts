// Sign-in with an app password (the fallback for servers without OAuth; OAuth is next): POST
// /api/session signs in on the person's own server and sets the sealed session cookie; GET says
// who is signed in; DELETE signs out. The password goes to the person's server and nowhere else.
import type { Identities } from '@botsky/identity';
import type { NodeOAuthClient } from '@atproto/oauth-client-node';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { signIn, SignInError, signUp } from '../session/agent.ts';
import { cookieValue, SESSION_COOKIE, type PersonSession, type SessionSeal, sessionCookie } from '../session/cookie.ts';

export interface SessionDeps {
  seal: SessionSeal;
  /** Where a DID's repository lives (to check a sign-in on a server of the person's naming). */
  identities: Identities;
  /** The OAuth client, once the service listens (its redirect URI names the port). */
  oauth: () => NodeOAuthClient | undefined;
  defaultService: string;
  secureCookies: boolean;
  /** Whether people may make an account on defaultService here (BOTSKY_WEB_SIGNUP: a local network's PDS). */
  signup?: boolean;
}

export function sessionOf(req: FastifyRequest, seal: SessionSeal): PersonSession | undefined {
  return seal.open(cookieValue(req.headers.cookie, SESSION_COOKIE));
}

export function setSession(reply: FastifyReply, deps: SessionDeps, s: PersonSession): void {
  reply.header('set-cookie', sessionCookie(deps.seal.seal(s), deps.secureCookies));
}

const SIGN_IN = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['identifier', 'password'],
    properties: {
      identifier: { type: 'string', minLength: 1, maxLength: 256 },
      password: { type: 'string', minLength: 1, maxLength: 256 },
      service: { type: 'string', pattern: '^https?://[^\\s]+$', maxLength: 512 },
    },
  },
} as const;

export function addSession(app: FastifyInstance, deps: SessionDeps): void {
  app.post<{ Body: { identifier: string; password: string; service?: string } }>(
    '/api/session',
    { schema: SIGN_IN },
    async (req, reply) => {
      const service = req.body.service ?? deps.defaultService;
      // Another server than the configured one must be https (plain http only where the configured one is, a local run).
      if (req.body.service && !req.body.service.startsWith('https://') && !deps.defaultService.startsWith('http://')) {
        return reply.code(400).send({ error: 'bad_request', message: 'the server must be an https:// address' });
      }
      try {
        const s = await signIn(service, req.body.identifier.trim(), req.body.password);
        // A server other than the configured one can only sign in the DIDs it hosts: the DID's own
        // document must name it, so a server cannot hand out a session for someone else's DID.
        if (req.body.service && req.body.service !== deps.defaultService) {
          const pds = await deps.identities.pdsOf(s.did);
          if (!pds || new URL(pds).origin !== new URL(service).origin) {
            return reply.code(401).send({ error: 'sign_in_failed', message: `${service} is not where ${s.did} lives` });
          }
        }
        setSession(reply, deps, s);
        return { did: s.did, handle: s.handle, service: s.service };
      } catch (err) {
        if (err instanceof SignInError) return reply.code(err.status).send({ error: 'sign_in_failed', message: err.message });
        throw err;
      }
    },
  );
  // Sign-up on the configured server, where the operator allows it (the demo's local network).
  app.get('/api/signup', async () => ({ enabled: deps.signup === true, service: deps.signup ? deps.defaultService : null }));
  app.post<{ Body: { handle: string; password: string } }>(
    '/api/signup',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['handle', 'password'],
          properties: {
            handle: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,62}(\\.[A-Za-z0-9][A-Za-z0-9-]{0,62})+$', maxLength: 253 },
            password: { type: 'string', minLength: 8, maxLength: 256 },
          },
        },
      },
    },
    async (req, reply) => {
      if (!deps.signup)
        return reply.code(403).send({ error: 'no_signup', message: 'this BotSky makes no accounts: sign in with your own' });
      try {
        const s = await signUp(deps.defaultService, req.body.handle.toLowerCase(), req.body.password);
        setSession(reply, deps, s);
        return { did: s.did, handle: s.handle, service: s.service };
      } catch (err) {
        if (err instanceof SignInError) return reply.code(err.status).send({ error: 'sign_up_failed', message: err.message });
        throw err;
      }
    },
  );
  app.get('/api/session', async (req, reply) => {
    const s = sessionOf(req, deps.seal);
    if (!s) return reply.code(401).send({ error: 'signed_out', message: 'not signed in' });
    return { did: s.did, handle: s.handle, service: s.service };
  });
  app.delete('/api/session', async (req, reply) => {
    const s = sessionOf(req, deps.seal);
    // Signing out ends the OAuth session on the person's server too, not only the cookie.
    if (s?.kind === 'oauth')
      await deps
        .oauth()
        ?.revoke(s.did)
        .catch(() => undefined);
    reply.header('set-cookie', sessionCookie('', deps.secureCookies, 0));
    return { ok: true };
  });
}
