// The gateway's API keys. A key is `bsk_<id>_<secret>`: the id finds its record in KV
// (KV_BUCKETS.gatewayKeys), the secret (32 random bytes) is checked against the SHA-256 the
// record keeps, in constant time. The secret is shown once, when the key is made, and stored
// nowhere; a key this long and random needs no slow hash. Every request reads the record, so a
// revocation is refused at once by every replica.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KvStore } from '@botsky/bus';

export interface KeyLimits {
  /** Models this key may call (gateway model ids); empty: every model. */
  models: string[];
  requestsPerMinute: number;
  tokensPerDay: number;
  /** The most this key may spend, in USD, over its life. */
  spendCapUsd: number;
}

export interface KeyRecord {
  id: string;
  builder: string;
  /** hex SHA-256 of the secret part. */
  hash: string;
  limits: KeyLimits;
  createdAt: number;
  /** Set once revoked: the key is refused from then on. */
  revokedAt?: number;
}

export interface NewKey {
  /** The whole key, shown once. */
  key: string;
  record: KeyRecord;
}

const KEY = /^bsk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The id part of a key, for logs and errors (never the secret); undefined when it is not a key. */
export function keyId(key: string): string | undefined {
  return KEY.exec(key)?.[1];
}

export class KeyStore {
  readonly #kv: KvStore;
  readonly #now: () => number;

  constructor(kv: KvStore, now: () => number = Date.now) {
    this.#kv = kv;
    this.#now = now;
  }

  async create(builder: string, limits: KeyLimits): Promise<NewKey> {
    const id = randomBytes(9)
      .toString('base64url')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '0')
      .slice(0, 12);
    const secret = randomBytes(32).toString('base64url');
    const record: KeyRecord = { id, builder, hash: sha256(secret), limits, createdAt: this.#now() };
    if (!(await this.#kv.update(id, encode(record), 0))) throw new Error(`key id ${id} already exists`);
    return { key: `bsk_${id}_${secret}`, record };
  }

  /** The record of a valid, unrevoked key; undefined for anything else. */
  async verify(key: string): Promise<KeyRecord | undefined> {
    const m = KEY.exec(key);
    if (!m) return undefined;
    const record = await this.get(m[1] as string);
    if (!record || record.revokedAt !== undefined) return undefined;
    const want = Buffer.from(record.hash, 'hex');
    const got = createHash('sha256')
      .update(m[2] as string)
      .digest();
    return want.length === got.length && timingSafeEqual(want, got) ? record : undefined;
  }

  async get(id: string): Promise<KeyRecord | undefined> {
    const entry = await this.#kv.get(id);
    return entry ? decode(entry.value) : undefined;
  }

  async list(): Promise<KeyRecord[]> {
    const out: KeyRecord[] = [];
    for (const id of await this.#kv.keys()) {
      const r = await this.get(id);
      if (r) out.push(r);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Revokes the key; false when there is no such key. */
  async revoke(id: string): Promise<boolean> {
    for (let i = 0; i < 20; i++) {
      const entry = await this.#kv.get(id);
      const record = entry ? decode(entry.value) : undefined;
      if (!entry || !record) return false;
      if (record.revokedAt !== undefined) return true;
      if (await this.#kv.update(id, encode({ ...record, revokedAt: this.#now() }), entry.revision)) return true;
    }
    throw new Error(`key ${id}: could not revoke (lost every compare-and-set)`);
  }
}

const encode = (r: KeyRecord) => new TextEncoder().encode(JSON.stringify(r));

function decode(bytes: Uint8Array): KeyRecord | undefined {
  try {
    const r = JSON.parse(new TextDecoder().decode(bytes)) as KeyRecord;
    return typeof r.id === 'string' && typeof r.hash === 'string' && typeof r.limits === 'object' ? r : undefined;
  } catch {
    return undefined;
  }
}
