// AtpAgent refreshes its session on a 401 and on a 400 ExpiredToken, then repeats the call. The
// PDS answers 400 InvalidToken for an access token it cannot verify (issued before its secret
// was rotated, or by a PDS that was reset): that token needs refreshing too, not the call failing,
// and a new login is what the rate limits forbid. This fetch hands such an answer to AtpAgent as
// the 401 it refreshes on. Session calls themselves are left alone: a refresh token the PDS
// refuses is an answer for the caller.
const SESSION_CALLS = new Set(['/xrpc/com.atproto.server.refreshSession', '/xrpc/com.atproto.server.createSession']);

export function refreshOnInvalidToken(inner: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    if (res.status !== 400) return res;
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (SESSION_CALLS.has(url.pathname)) return res;
    const text = await res.text();
    let body: { error?: unknown } | undefined;
    try {
      body = JSON.parse(text) as { error?: unknown };
    } catch {
      body = undefined;
    }
    // The body is read: the caller gets a fresh response either way, with the original headers
    // but for those that described the body as it came over the wire (its length and encoding).
    const headers = new Headers(res.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    if (body?.error !== 'InvalidToken') return new Response(text, { status: res.status, statusText: res.statusText, headers });
    return new Response(text, { status: 401, statusText: 'Unauthorized', headers });
  };
}
