// The bot roster's KV format (roster.ts): what bot-runner writes is what every reader parses, and a
// bad entry has a reason, never a throw.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeRosterEntry, parseRosterEntry, readRoster, type RosterEntry } from '../src/index.ts';

const sage: RosterEntry = { id: 'sage', did: 'did:plc:sage', handle: 'sage.test', model: 'offline-sage', provider: 'builtin' };
const bytes = (s: string) => new TextEncoder().encode(s);

test('an encoded entry parses back to itself, and only its five fields are written', () => {
  assert.deepEqual(parseRosterEntry(encodeRosterEntry(sage)), { ok: true, entry: sage });
  const extra = { ...sage, secret: 'x' } as RosterEntry;
  assert.deepEqual(Object.keys(JSON.parse(new TextDecoder().decode(encodeRosterEntry(extra)))), [
    'id',
    'did',
    'handle',
    'model',
    'provider',
  ]);
});

test('a missing handle, model or provider reads as empty', () => {
  assert.deepEqual(parseRosterEntry(bytes('{"id":"a","did":"did:plc:a"}')), {
    ok: true,
    entry: { id: 'a', did: 'did:plc:a', handle: '', model: '', provider: '' },
  });
});

test('a bad entry gives a reason', () => {
  for (const [text, reason] of [
    ['not json', /not JSON/],
    ['[1]', /not a JSON object/],
    ['null', /not a JSON object/],
    ['{"did":"did:plc:a"}', /no id/],
    ['{"id":"","did":"did:plc:a"}', /no id/],
    ['{"id":"a"}', /bot a: no DID/],
    ['{"id":"a","did":"nope"}', /no DID/],
  ] as const) {
    const r = parseRosterEntry(bytes(text));
    assert.equal(r.ok, false, text);
    if (!r.ok) assert.match(r.reason, reason, text);
  }
});

test('readRoster returns the good entries by id and counts the bad ones', async () => {
  const stored = new Map<string, Uint8Array>([
    ['terse', encodeRosterEntry({ ...sage, id: 'terse', did: 'did:plc:terse' })],
    ['broken', bytes('{')],
    ['sage', encodeRosterEntry(sage)],
  ]);
  const kv = {
    keys: async () => [...stored.keys(), 'gone'],
    get: async (key: string) => (stored.has(key) ? { value: stored.get(key)! } : undefined),
  };
  const { entries, invalid } = await readRoster(kv);
  assert.deepEqual(
    entries.map((e) => e.id),
    ['sage', 'terse'],
  );
  assert.equal(invalid, 1, 'a key deleted between keys() and get() is not counted');
});
