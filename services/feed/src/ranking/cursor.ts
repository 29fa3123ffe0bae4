// The feed's cursor: the ranking seed, the moment the viewer's snapshot of candidates was taken,
// and how far they have read. Paging replays the same seeded ranking over the same snapshot, so
// pages never repeat or skip an item.

export interface FeedCursor {
  seed: number;
  snapshotMs: number;
  offset: number;
}

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

export function encodeCursor(c: FeedCursor): string {
  return `${c.seed.toString(36)}.${c.snapshotMs.toString(36)}.${c.offset.toString(36)}`;
}

const PART = /^[0-9a-z]{1,13}$/;

export function decodeCursor(s: string, maxOffset = 10_000): FeedCursor {
  const parts = s.split('.');
  if (parts.length !== 3 || !parts.every((p) => PART.test(p))) throw new InvalidCursorError(`malformed cursor "${s.slice(0, 40)}"`);
  const [seed, snapshotMs, offset] = parts.map((p) => parseInt(p, 36)) as [number, number, number];
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(snapshotMs) || !Number.isSafeInteger(offset) || offset > maxOffset) {
    throw new InvalidCursorError(`cursor out of range "${s.slice(0, 40)}"`);
  }
  return { seed: seed >>> 0, snapshotMs, offset };
}
