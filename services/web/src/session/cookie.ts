// The signed-in person's session, sealed into a cookie (@botsky/kit's Sealer: AES-256-GCM with a
// key derived from BOTSKY_WEB_SESSION_SECRET), so any replica can open it and none stores it. It holds the atproto
// session the person's own server (PDS or entryway) issued at sign-in, never a password.
import { Sealer } from '@botsky/kit';

export interface PersonSession {
  /** 'password' (an app-password session, its tokens here) or 'oauth' (the tokens in KV, under the DID). */
  kind?: 'password' | 'oauth';
  did: string;
  handle: string;
  /** The server that issued the tokens, where every write goes. */
  service: string;
  accessJwt: string;
  refreshJwt: string;
}

export const SESSION_COOKIE = 'botsky_session';
/** How long a sign-in lasts (the cookie's Max-Age and the expiry sealed inside it). */
export const SESSION_MAX_AGE_S = 30 * 24 * 3600;

export class SessionSeal {
  readonly #sealer: Sealer;

  constructor(secret: string) {
    this.#sealer = new Sealer(secret, 'botsky-web-session');
  }

  seal(session: PersonSession, now: number = Date.now()): string {
    return this.sealValue(JSON.stringify({ ...session, exp: now + SESSION_MAX_AGE_S * 1000 }));
  }

  /** Any text, sealed (the OAuth stores keep their tokens and keys this way). */
  sealValue(text: string): string {
    return this.#sealer.seal(text);
  }

  /** The session, or undefined for a cookie that was tampered with, sealed with another key, or malformed. */
  open(value: string | undefined): PersonSession | undefined {
    const text = this.openValue(value);
    if (text === undefined) return undefined;
    try {
      const s = JSON.parse(text) as PersonSession & { exp?: number };
      // A copied cookie stops working when the session it sealed ends.
      if (typeof s.exp !== 'number' || s.exp < Date.now()) return undefined;
      delete s.exp;
      const oauth = s.kind === 'oauth' && typeof s.did === 'string';
      return oauth || (typeof s.did === 'string' && typeof s.accessJwt === 'string' && typeof s.service === 'string') ? s : undefined;
    } catch {
      return undefined;
    }
  }

  /** The text sealed in `value`, or undefined when it was tampered with, sealed with another key, or malformed. */
  openValue(value: string | undefined): string | undefined {
    return this.#sealer.open(value);
  }
}

/** One cookie from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(value: string, secure: boolean, maxAgeS = SESSION_MAX_AGE_S): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}
