// The resume point, in NATS KV (bucket `cursors`, key `ingest`), saved together with the URL of
// the source it came from: a firehose sequence number means nothing on another relay, so a
// cursor of another source is never resumed from. It only ever holds a position whose events,
// and all before them, the bus has acknowledged.
import type { KvStore } from '@botsky/bus';

export const CURSOR_KEY = 'ingest';

export class CursorFormatError extends Error {
  override readonly name = 'CursorFormatError';
  constructor(key: string, options?: { cause?: unknown }) {
    super(`the saved cursor under ${key} is not {"seq": <integer>, "source": <url>}`, options);
  }
}

export interface SavedCursor {
  seq: number;
  /** The source URL the position belongs to. */
  source: string;
  /** `firehose` or `jetstream`; null for a cursor saved before the kind was kept. */
  kind: string | null;
  savedAt: string | null;
}

export interface CursorStore {
  /** The saved cursor, whichever source it belongs to. */
  load(): Promise<SavedCursor | undefined>;
  save(seq: number): Promise<void>;
}

export function createCursorStore(kv: KvStore, source: { url: string; kind: string }): CursorStore {
  let legacyGone = false;
  return {
    async load() {
      const current = await read(kv, CURSOR_KEY, null);
      // Before the cursor carried its source, it was saved under the source URL itself.
      return current ?? (await read(kv, source.url, source.url));
    },
    async save(seq) {
      const value = { seq, source: source.url, kind: source.kind, savedAt: new Date().toISOString() };
      await kv.put(CURSOR_KEY, new TextEncoder().encode(JSON.stringify(value)));
      // Once saved the new way, the earlier format's key would only mislead: drop it.
      if (!legacyGone) {
        await kv.delete(source.url);
        legacyGone = true;
      }
    },
  };
}

async function read(kv: KvStore, key: string, impliedSource: string | null): Promise<SavedCursor | undefined> {
  const entry = await kv.get(key);
  if (entry === undefined) return undefined;
  let value: { seq?: unknown; source?: unknown; kind?: unknown; savedAt?: unknown };
  try {
    value = JSON.parse(new TextDecoder().decode(entry.value)) as typeof value;
  } catch (err) {
    throw new CursorFormatError(key, { cause: err });
  }
  const { seq, savedAt } = value;
  const source = value.source ?? impliedSource;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0 || typeof source !== 'string') throw new CursorFormatError(key);
  return { seq, source, kind: typeof value.kind === 'string' ? value.kind : null, savedAt: typeof savedAt === 'string' ? savedAt : null };
}
