// Who is signed in (GET /api/session), and the calls that act as them.
import { useEffect, useState } from 'preact/hooks';

export interface Me {
  did: string;
  handle: string;
}

export function useMe(): [Me | null | undefined, (me: Me | null) => void] {
  const [me, setMe] = useState<Me | null>();
  useEffect(() => {
    fetch('/api/session')
      .then(async (res) => setMe(res.ok ? ((await res.json()) as Me) : null))
      .catch(() => setMe(null));
  }, []);
  return [me, setMe];
}

/** A JSON call to the web service; the error's message when it is refused. */
export async function act<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const out = (await res.json().catch(() => ({}))) as T & { message?: string };
  if (!res.ok) throw new Error(out.message ?? `HTTP ${res.status}`);
  return out;
}
