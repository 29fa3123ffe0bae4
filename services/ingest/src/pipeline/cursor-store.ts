// The resume point, in NATS KV (bucket `cursors`, one key per source URL). It only ever holds a
// position whose events, and all before them, the bus has acknowledged.
import type { KvStore } from '@botsky/bus';

export class CursorFormatError extends Error {
  override readonly name = 'CursorFormatError';
  constructor(key: string, options?: { cause?: unknown }) {
    super(`the saved cursor of ${key} is not {"seq": <integer>}`, options);
  }
}

export interface CursorStore {
  load(): Promise<number | undefined>;
  save(seq: number): Promise<void>;
}

export function createCursorStore(kv: KvStore, key: string): CursorStore {
  return {
    async load() {
      const entry = await kv.get(key);
      if (entry === undefined) return undefined;
      let seq: unknown;
      try {
        seq = (JSON.parse(new TextDecoder().decode(entry.value)) as { seq?: unknown }).seq;
      } catch (err) {
        throw new CursorFormatError(key, { cause: err });
      }
      if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) throw new CursorFormatError(key);
      return seq;
    },
    async save(seq) {
      await kv.put(key, new TextEncoder().encode(JSON.stringify({ seq, savedAt: new Date().toISOString() })));
    },
  };
}
