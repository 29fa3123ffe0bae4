// Where ingest starts reading: the saved cursor when it belongs to the configured source (the
// same relay, or any Jetstream instance);
// otherwise (first start, or the source was switched) BOTSKY_INGEST_CURSOR when set, else the
// live tip. A switch is logged as a warning that names both sources.
import type { Logger } from '@botsky/kit';
import type { CursorStore } from './cursor-store.ts';

export interface ResumePoint {
  /** The position to read after; undefined: the live tip. */
  seq: number | undefined;
  /** Whether `seq` is the saved cursor of this source (so it need not be saved again). */
  saved: boolean;
  /** When that cursor was saved, if known. */
  savedAt: string | null;
}

/**
 * Whether a cursor saved on one source means the same position on another. A Jetstream cursor is
 * a time in microseconds, valid on any Jetstream instance; a firehose sequence number belongs to
 * one relay or PDS, compared by URL without what does not name the source (a `cursor` parameter,
 * a trailing slash, the case of the host).
 */
export function sameSource(saved: { source: string; kind: string | null }, url: string, kind: string): boolean {
  if (saved.kind === 'jetstream' && kind === 'jetstream') return true;
  return sourceKey(saved.source) === sourceKey(url);
}

function sourceKey(url: string): string {
  try {
    const u = new URL(url);
    u.searchParams.delete('cursor');
    u.searchParams.sort();
    u.hash = '';
    u.pathname = u.pathname.replace(/\/+$/, '');
    return u.toString();
  } catch {
    return url;
  }
}

export async function resumePoint(
  cursors: CursorStore,
  source: { url: string; kind: string },
  startCursor: number | undefined,
  logger: Logger,
): Promise<ResumePoint> {
  const { url } = source;
  const saved = await cursors.load();
  if (saved !== undefined && sameSource(saved, url, source.kind)) {
    logger.info({ url, cursor: saved.seq, savedAt: saved.savedAt }, 'resuming from the saved cursor');
    return { seq: saved.seq, saved: true, savedAt: saved.savedAt };
  }
  const start = startCursor === undefined ? 'the live tip' : 'BOTSKY_INGEST_CURSOR';
  if (saved !== undefined) {
    logger.warn(
      { url, previousSource: saved.source, previousCursor: saved.seq, savedAt: saved.savedAt, cursor: startCursor ?? null },
      `the saved cursor belongs to another source and means nothing on this one: starting from ${start}`,
    );
  } else {
    logger.info({ url, cursor: startCursor ?? null }, `no saved cursor: starting from ${start}`);
  }
  return { seq: startCursor, saved: false, savedAt: null };
}
