// Test and bench helper: the recorded firehose checked in under fixtures/ (see
// scripts/record-fixtures.ts) and the signing keys of its accounts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFrameFile } from '../src/frame-file.ts';
import { createKeyCache, type KeyCache } from '../src/index.ts';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

export function loadFrames(): Uint8Array[] {
  return readFrameFile(join(FIXTURES, 'frames.bin.gz'));
}

/** DID -> did:key of every account in the recording. */
export function loadKeys(): Record<string, string> {
  return JSON.parse(readFileSync(join(FIXTURES, 'keys.json'), 'utf8')) as Record<string, string>;
}

export function fixtureKeyCache(keys = loadKeys()): KeyCache {
  return createKeyCache((did) => keys[did] ?? null);
}
