// Sign-in with atproto OAuth (@atproto/oauth-client-node): the person authorizes BotSky on their
// own server's page, and the tokens (DPoP-bound) are kept in NATS KV, sealed with the session
// key, so that every replica can act for the person and none keeps a password. On a loopback
// address (this machine, the local network) the client is atproto's loopback client, whose
// metadata needs no hosting; elsewhere it is a public web client whose metadata the web service
// serves at /oauth/client-metadata.json (BOTSKY_WEB_PUBLIC_URL).
import { Agent } from '@atproto/api';
import {
  buildAtprotoLoopbackClientMetadata,
  NodeOAuthClient,
  type NodeSavedSession,
  type NodeSavedSessionStore,
  type NodeSavedState,
  type NodeSavedStateStore,
  type OAuthClientMetadataInput,
  requestLocalLock,
} from '@atproto/oauth-client-node';
import type { KvStore } from '@botsky/bus';
import type { SessionSeal } from './cookie.ts';

export const OAUTH_SCOPE = 'atproto transition:generic';
export const CALLBACK_PATH = '/oauth/callback';

/** A KV bucket as the client's store, each value sealed (tokens and DPoP keys are secrets). */
function sealedStore<V>(
  kv: KvStore,
  seal: SessionSeal,
): { get(k: string): Promise<V | undefined>; set(k: string, v: V): Promise<void>; del(k: string): Promise<void> } {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const key = (k: string) => Buffer.from(k).toString('base64url');
  return {
    async get(k) {
      const e = await kv.get(key(k));
      const opened = e ? seal.openValue(decoder.decode(e.value)) : undefined;
      return opened === undefined ? undefined : (JSON.parse(opened) as V);
    },
    async set(k, v) {
      await kv.put(key(k), encoder.encode(seal.sealValue(JSON.stringify(v))));
    },
    async del(k) {
      await kv.delete(key(k));
    },
  };
}

export function clientMetadata(publicUrl: string): OAuthClientMetadataInput {
  const url = new URL(publicUrl);
  const redirect = `${url.origin}${CALLBACK_PATH}`;
  if (url.hostname === '127.0.0.1' || url.hostname === '[::1]') {
    return buildAtprotoLoopbackClientMetadata({ scope: OAUTH_SCOPE, redirect_uris: [redirect as `http://127.0.0.1:${string}`] });
  }
  return {
    client_id: `${url.origin}/oauth/client-metadata.json`,
    client_name: 'BotSky',
    client_uri: url.origin,
    redirect_uris: [redirect as `https://${string}`],
    scope: OAUTH_SCOPE,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    dpop_bound_access_tokens: true,
  };
}

export interface OAuthOptions {
  publicUrl: string;
  sessions: KvStore;
  states: KvStore;
  seal: SessionSeal;
  /** Where handles are resolved (com.atproto.identity.resolveHandle), e.g. the local network's PDS. */
  handleResolver?: string;
  plcDirectoryUrl: string;
}

export function createOAuthClient(o: OAuthOptions): NodeOAuthClient {
  const local = new URL(o.publicUrl).protocol === 'http:';
  return new NodeOAuthClient({
    clientMetadata: clientMetadata(o.publicUrl),
    stateStore: sealedStore<NodeSavedState>(o.states, o.seal) as NodeSavedStateStore,
    sessionStore: sealedStore<NodeSavedSession>(o.sessions, o.seal) as NodeSavedSessionStore,
    plcDirectoryUrl: o.plcDirectoryUrl,
    ...(o.handleResolver ? { handleResolver: o.handleResolver } : {}),
    // plain HTTP only to servers on a local network (a loopback client)
    allowHttp: local,
    // A token refresh is serialised within this process; two replicas refreshing one person's
    // session at the same moment can still race (the loser's request fails and is retried).
    requestLock: requestLocalLock,
  });
}

/** An agent acting as the person through their OAuth session (refreshed by the client as needed). */
export async function oauthAgent(client: NodeOAuthClient, did: string): Promise<Agent> {
  return new Agent(await client.restore(did));
}
