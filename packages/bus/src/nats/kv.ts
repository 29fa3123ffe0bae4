// KV on NATS (works on server 2.9). Keys are escaped so that any string works: NATS KV keys
// allow only a few characters, and BotSky keys are often DIDs (`did:plc:...`).

import { JetStreamApiError, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { KvError } from '../errors.ts';
import type { KvEntry, KvStore } from '../types.ts';

const WRONG_LAST_SEQUENCE = new Set([10071, 10164]);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function isSafeByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2d || b === 0x5f || b === 0x2f;
}

/** `did:plc:abc` → `did=3Aplc=3Aabc`: reversible, and only characters NATS KV accepts. */
export function encodeKvKey(key: string): string {
  if (key.length === 0) throw new KvError('kv key must not be empty');
  let out = '';
  for (const b of encoder.encode(key)) {
    out += isSafeByte(b) ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function decodeKvKey(encoded: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    if (encoded[i] === '=') {
      bytes.push(parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(encoded.charCodeAt(i));
  }
  return decoder.decode(Uint8Array.from(bytes));
}

/**
 * Opens (or makes) the bucket. With `ttlMs`, entries expire after it (the bucket stream's max
 * age); a bucket made before it had one, or with another, is brought to it, since the client
 * leaves an existing bucket's settings alone.
 */
export async function openNatsKv(
  js: JetStreamClient,
  bucket: string,
  ttlMs?: number,
  manager?: () => Promise<JetStreamManager>,
): Promise<KvStore> {
  try {
    const kv = await new Kvm(js).create(bucket, ttlMs === undefined ? { history: 1 } : { history: 1, ttl: ttlMs });
    if (ttlMs !== undefined && manager !== undefined && (await kv.status()).ttl !== ttlMs) {
      await (await manager()).streams.update(`KV_${bucket}`, { max_age: Math.round(ttlMs * 1_000_000) });
    }
    return new NatsKv(kv);
  } catch (err) {
    throw new KvError(`cannot open kv bucket ${bucket}: ${(err as Error).message}`, { cause: err });
  }
}

class NatsKv implements KvStore {
  readonly #kv: KV;

  constructor(kv: KV) {
    this.#kv = kv;
  }

  async get(key: string): Promise<KvEntry | undefined> {
    const e = await this.#kv.get(encodeKvKey(key));
    if (e === null || e.operation !== 'PUT') return undefined;
    return { value: e.value, revision: e.revision };
  }

  put(key: string, value: Uint8Array): Promise<number> {
    return this.#kv.put(encodeKvKey(key), value);
  }

  async update(key: string, value: Uint8Array, revision: number): Promise<boolean> {
    const k = encodeKvKey(key);
    try {
      if (revision === 0) await this.#kv.create(k, value);
      else await this.#kv.update(k, value, revision);
      return true;
    } catch (err) {
      if (err instanceof JetStreamApiError && WRONG_LAST_SEQUENCE.has(err.code)) return false;
      throw new KvError(`kv update of ${key} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  delete(key: string): Promise<void> {
    return this.#kv.delete(encodeKvKey(key));
  }

  async keys(): Promise<string[]> {
    const out: string[] = [];
    for await (const k of await this.#kv.keys()) out.push(decodeKvKey(k));
    return out;
  }
}
