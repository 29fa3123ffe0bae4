// A logged-in account's calls to its PDS over plain fetch. @atproto/api's AtpAgent builds its own
// lexicon tables in every instance (about 350 KB and 15 ms each, measured): one per simulated
// person is 3.5 GB for 10,000 people. The driver needs four methods, so it speaks XRPC itself;
// AtpAgent still fits `RepoAgent` (the devnet's own account factory returns one).
import type { ComAtprotoRepoApplyWrites, ComAtprotoRepoGetRecord } from '@atproto/api';

/** What the driver calls on an account; an `AtpAgent` fits as is. */
export interface RepoAgent {
  com: {
    atproto: {
      repo: {
        applyWrites(input: ComAtprotoRepoApplyWrites.InputSchema): Promise<{ data: ComAtprotoRepoApplyWrites.OutputSchema }>;
        getRecord(params: ComAtprotoRepoGetRecord.QueryParams): Promise<{ data: ComAtprotoRepoGetRecord.OutputSchema }>;
      };
    };
  };
}

export interface Session {
  did: string;
  handle: string;
  accessJwt: string;
  refreshJwt: string;
}

/** An XRPC error answer: `error` is the PDS's code (e.g. `HandleNotAvailable`, `ExpiredToken`). */
export class XrpcCallError extends Error {
  readonly status: number;
  readonly error: string;
  constructor(method: string, status: number, error: string, message: string, options?: { cause?: unknown }) {
    super(`${method} answered ${status} ${error}: ${message}`, options);
    this.name = 'XrpcCallError';
    this.status = status;
    this.error = error;
  }
}

const TIMEOUT_MS = 60_000;

export async function xrpc<T>(
  pdsUrl: string,
  method: string,
  o: { query?: Record<string, string>; body?: unknown; token?: string; post?: boolean },
): Promise<T> {
  const url = new URL(`/xrpc/${method}`, pdsUrl);
  for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method: o.body === undefined && !o.post ? 'GET' : 'POST',
    headers,
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    if (text) json = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    // A proxy's HTML error page: the status says what happened.
    if (res.ok) throw new XrpcCallError(method, res.status, 'InvalidResponse', `not JSON: ${text.slice(0, 200)}`, { cause: err });
  }
  if (!res.ok) throw new XrpcCallError(method, res.status, String(json.error ?? 'Unknown'), String(json.message ?? text.slice(0, 200)));
  return json as T;
}

/** Calls as one account; an expired access token is refreshed once and the call repeated. */
export function sessionAgent(pdsUrl: string, session: Session): RepoAgent {
  let current = session;
  const call = async <T>(method: string, o: { query?: Record<string, string>; body?: unknown }): Promise<{ data: T }> => {
    try {
      return { data: await xrpc<T>(pdsUrl, method, { ...o, token: current.accessJwt }) };
    } catch (err) {
      if (!(err instanceof XrpcCallError) || err.error !== 'ExpiredToken') throw err;
      current = await xrpc<Session>(pdsUrl, 'com.atproto.server.refreshSession', { post: true, token: current.refreshJwt }).then((s) => ({
        ...current,
        accessJwt: s.accessJwt,
        refreshJwt: s.refreshJwt,
      }));
      return { data: await xrpc<T>(pdsUrl, method, { ...o, token: current.accessJwt }) };
    }
  };
  return {
    com: {
      atproto: {
        repo: {
          applyWrites: (input) => call('com.atproto.repo.applyWrites', { body: input }),
          getRecord: (p) =>
            call('com.atproto.repo.getRecord', {
              query: Object.fromEntries(
                Object.entries(p)
                  .filter(([, v]) => v !== undefined)
                  .map(([k, v]) => [k, String(v)]),
              ),
            }),
        },
      },
    },
  };
}
