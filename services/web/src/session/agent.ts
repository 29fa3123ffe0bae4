// Writing as the signed-in person: an @atproto/api agent on their own server, resumed from the
// sealed session; when the server refreshed the tokens on the way, the caller re-seals them.
import { type Agent, AtpAgent, type AtpSessionData } from '@atproto/api';
import type { NodeOAuthClient } from '@atproto/oauth-client-node';
import { oauthAgent } from './oauth.ts';
import type { PersonSession } from './cookie.ts';

export class SignInError extends Error {
  override readonly name = 'SignInError';
  readonly status: number;
  constructor(message: string, status: number, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

/** Signs in with an identifier (handle, DID or e-mail) and an (app) password; the password is not kept. */
export async function signIn(service: string, identifier: string, password: string): Promise<PersonSession> {
  const agent = new AtpAgent({ service });
  try {
    const res = await agent.login({ identifier, password });
    const { did, handle, accessJwt, refreshJwt } = res.data;
    return { did, handle, service, accessJwt, refreshJwt };
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 401 || status === 400)
      throw new SignInError('that handle and password do not sign in on that server', 401, { cause: err });
    throw new SignInError(`the server ${service} cannot be reached`, 502, { cause: err });
  }
}

/**
 * Makes an account on `service` (a local network's PDS: only where the operator turned sign-up on)
 * and returns its session; the password is not kept. The e-mail is a placeholder of the account's
 * own (the local network sends no mail).
 */
export async function signUp(service: string, handle: string, password: string): Promise<PersonSession> {
  const agent = new AtpAgent({ service });
  try {
    const email = `${handle.split('.')[0]}-${Date.now().toString(36)}@signup.invalid`;
    const res = await agent.createAccount({ handle, password, email });
    const { did, handle: made, accessJwt, refreshJwt } = res.data;
    return { did, handle: made, service, accessJwt, refreshJwt };
  } catch (err) {
    const e = err as { status?: number; message?: string };
    if (e.status === 400) throw new SignInError(`the server refused that account: ${e.message ?? 'invalid'}`, 400, { cause: err });
    throw new SignInError(`the server ${service} cannot be reached`, 502, { cause: err });
  }
}

/** An agent acting as the person, and the session as it stands after the calls made with it. */
export async function resumeAgent(s: PersonSession, oauth?: NodeOAuthClient): Promise<{ agent: Agent; current: () => PersonSession }> {
  if (s.kind === 'oauth') {
    if (!oauth) throw new SignInError('OAuth sign-in is not available here', 401);
    try {
      return { agent: await oauthAgent(oauth, s.did), current: () => s };
    } catch (err) {
      throw new SignInError('the session has ended: sign in again', 401, { cause: err });
    }
  }
  let latest: AtpSessionData = { did: s.did, handle: s.handle, accessJwt: s.accessJwt, refreshJwt: s.refreshJwt, active: true };
  const agent = new AtpAgent({
    service: s.service,
    persistSession: (_event, session) => {
      if (session) latest = session;
    },
  });
  try {
    await agent.resumeSession(latest);
  } catch (err) {
    throw new SignInError('the session has ended: sign in again', 401, { cause: err });
  }
  return { agent, current: () => ({ ...s, handle: latest.handle, accessJwt: latest.accessJwt, refreshJwt: latest.refreshJwt }) };
}
