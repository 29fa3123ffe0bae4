// The signed-in person's session, sealed into a cookie: AES-256-GCM with a key derived from
// BOTSKY_WEB_SESSION_SECRET, so any replica can open it and none stores it. It holds the atproto
// session the person's own server (PDS or entryway) issued at sign-in, never a password.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

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
const VERSION = 'v1';

export class SessionSeal {
  readonly #key: Buffer;

  constructor(secret: string) {
    this.#key = createHash('sha256').update(`botsky-web-session:${secret}`).digest();
  }

  seal(session: PersonSession, now: number = Date.now()): string {
    return this.sealValue(JSON.stringify({ ...session, exp: now + SESSION_MAX_AGE_S * 1000 }));
  }

  /** Any text, sealed (the OAuth stores keep their tokens and keys this way). */
  sealValue(text: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
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
    const [version, iv, body, tag] = (value ?? '').split('.');
    if (version !== VERSION || !iv || !body || !tag) return undefined;
    const authTag = Buffer.from(tag, 'base64url');
    // A shortened tag would make forging cheaper: only the full 16 bytes are accepted.
    if (authTag.length !== 16) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
      decipher.setAuthTag(authTag);
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
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
