// Sealed text: AES-256-GCM under a key derived from a shared secret and a purpose, so that every
// replica holding the secret can open what another sealed, and a value sealed for one purpose
// (a web session, a bot's app password) never opens as another. A value is
// `v1.<iv>.<ciphertext>.<tag>` (base64url); anything tampered with, shortened or sealed under
// another secret or purpose opens as undefined.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export class Sealer {
  readonly #key: Buffer;

  /** `purpose` separates the keys of different uses of one secret (e.g. 'botsky-web-session'). */
  constructor(secret: string, purpose: string) {
    this.#key = createHash('sha256').update(`${purpose}:${secret}`).digest();
  }

  seal(text: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** The text sealed in `value`, or undefined when it was tampered with, sealed with another key, or malformed. */
  open(value: string | undefined): string | undefined {
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
