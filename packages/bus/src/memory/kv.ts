// An in-process KV bucket with NATS KV's revision rules: one revision counter per bucket,
// compare-and-set on the key's revision, 0 meaning "must not exist". With a TTL, an entry older
// than it is gone (as NATS drops messages past the bucket's max age).

import { KvError } from '../errors.ts';
import type { KvEntry, KvStore } from '../types.ts';

function checkKey(key: string): void {
  if (key.length === 0) throw new KvError('kv key must not be empty');
}

export interface MemoryKvOptions {
  /** Entries older than this are gone; default: kept for ever. */
  ttlMs?: number;
  now?: () => number;
}

interface Stored extends KvEntry {
  writtenAt: number;
}

export class MemoryKv implements KvStore {
  readonly #entries = new Map<string, Stored>();
  readonly #ttlMs: number;
  readonly #now: () => number;
  #revision = 0;

  constructor(opts: MemoryKvOptions = {}) {
    this.#ttlMs = opts.ttlMs ?? Infinity;
    this.#now = opts.now ?? Date.now;
  }

  async get(key: string): Promise<KvEntry | undefined> {
    checkKey(key);
    const e = this.#live(key);
    // Copies, so a caller mutating a buffer cannot change the stored value.
    return e === undefined ? undefined : { value: e.value.slice(), revision: e.revision };
  }

  async put(key: string, value: Uint8Array): Promise<number> {
    checkKey(key);
    return this.#write(key, value);
  }

  async update(key: string, value: Uint8Array, revision: number): Promise<boolean> {
    checkKey(key);
    const current = this.#live(key)?.revision ?? 0;
    if (current !== revision) return false;
    this.#write(key, value);
    return true;
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    if (this.#entries.delete(key)) this.#revision++;
  }

  async keys(): Promise<string[]> {
    return [...this.#entries.keys()].filter((k) => this.#live(k) !== undefined);
  }

  // Expired entries are dropped when next looked at.
  #live(key: string): Stored | undefined {
    const e = this.#entries.get(key);
    if (e !== undefined && this.#now() - e.writtenAt >= this.#ttlMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return e;
  }

  #write(key: string, value: Uint8Array): number {
    const revision = ++this.#revision;
    this.#entries.set(key, { value: value.slice(), revision, writtenAt: this.#now() });
    return revision;
  }
}
