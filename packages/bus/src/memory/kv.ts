// An in-process KV bucket with NATS KV's revision rules: one revision counter per bucket,
// compare-and-set on the key's revision, 0 meaning "must not exist".

import { KvError } from '../errors.ts';
import type { KvEntry, KvStore } from '../types.ts';

function checkKey(key: string): void {
  if (key.length === 0) throw new KvError('kv key must not be empty');
}

export class MemoryKv implements KvStore {
  readonly #entries = new Map<string, KvEntry>();
  #revision = 0;

  async get(key: string): Promise<KvEntry | undefined> {
    checkKey(key);
    const e = this.#entries.get(key);
    // Copies, so a caller mutating a buffer cannot change the stored value.
    return e === undefined ? undefined : { value: e.value.slice(), revision: e.revision };
  }

  async put(key: string, value: Uint8Array): Promise<number> {
    checkKey(key);
    return this.#write(key, value);
  }

  async update(key: string, value: Uint8Array, revision: number): Promise<boolean> {
    checkKey(key);
    const current = this.#entries.get(key)?.revision ?? 0;
    if (current !== revision) return false;
    this.#write(key, value);
    return true;
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    if (this.#entries.delete(key)) this.#revision++;
  }

  async keys(): Promise<string[]> {
    return [...this.#entries.keys()];
  }

  #write(key: string, value: Uint8Array): number {
    const revision = ++this.#revision;
    this.#entries.set(key, { value: value.slice(), revision });
    return revision;
  }
}
