// Consent in one place: GET /api/consent shows where the signed-in person stands (matchmaker's
// record in KV_BUCKETS.consent, read, never written here); opting in and out go through the
// network, as the consent rules read them: POST /api/consent/in follows the project's account,
// POST /api/consent/out deletes that follow. matchmaker sees the follow or its deletion on the
// firehose and changes the record; the page reads it again.
import type { Bus } from '@botsky/bus';
import { blockedBots, introducible, KV_BUCKETS, parseConsent, type ConsentRecord } from '@botsky/contracts';
import type { FastifyInstance } from 'fastify';
import type { PersonDecisions } from '../live/decisions.ts';
import { asPerson } from './actions.ts';
import type { ConsentView } from './consent-view.ts';
import { type SessionDeps, sessionOf } from './session.ts';

export type { ConsentView } from './consent-view.ts';

export function consentView(projectDid: string | undefined, r: ConsentRecord | undefined): ConsentView {
  return {
    projectDid: projectDid ?? null,
    answered: r?.state === 'in',
    introduced: introducible(r),
    reason: r?.reason ?? 'none',
    since: r?.at ? new Date(r.at).toISOString() : null,
    blockedBots: blockedBots(r).size,
    followUri: r?.state === 'in' && r.followUri ? r.followUri : null,
  };
}

export function addConsent(
  app: FastifyInstance,
  bus: Bus,
  projectDid: string | undefined,
  decisions: PersonDecisions,
  deps: SessionDeps,
): void {
  const read = async (did: string) => {
    const entry = await (await bus.kv(KV_BUCKETS.consent)).get(did);
    return entry ? parseConsent(entry.value) : undefined;
  };
  app.get('/api/consent', async (req, reply) => {
    const s = sessionOf(req, deps.seal);
    if (!s) return reply.code(401).send({ error: 'signed_out', message: 'sign in first' });
    return { ...consentView(projectDid, await read(s.did)), held: decisions.view(s.did) };
  });
  app.post('/api/consent/in', async (req, reply) => {
    if (!projectDid) return reply.code(409).send({ error: 'no_project', message: 'this BotSky has no project account to follow' });
    const signedIn = sessionOf(req, deps.seal);
    if (signedIn && consentView(projectDid, await read(signedIn.did)).followUri) {
      return reply.code(409).send({ error: 'already_in', message: 'you already follow the project account' });
    }
    return asPerson(req, reply, deps, async (agent) => ({ followUri: (await agent.follow(projectDid)).uri }));
  });
  app.post('/api/consent/out', async (req, reply) => {
    const s = sessionOf(req, deps.seal);
    if (!s) return reply.code(401).send({ error: 'signed_out', message: 'sign in first' });
    const followUri = consentView(projectDid, await read(s.did)).followUri;
    if (!followUri)
      return reply.code(409).send({ error: 'not_by_follow', message: 'nothing to undo here: reply "stop" to a bot, or block it' });
    return asPerson(req, reply, deps, async (agent) => {
      await agent.deleteFollow(followUri);
      return { ok: true };
    });
  });
}
