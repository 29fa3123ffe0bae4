// The small pure rules: what counts as "stop", reading stored records defensively, day keys, and a
// picker that follows a changing roster without flooding a newcomer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '@botsky/ratings';
import { didOfUri, isStopRequest } from '../src/match/stop.ts';
import { BotPicker } from '../src/selection/index.ts';
import { parseConsent } from '../src/state/consent.ts';
import { mentionKey } from '../src/state/mentions.ts';
import { parseRosterEntry } from '../src/state/roster.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

test('"stop" in a short message opts out; a normal sentence does not', () => {
  for (const s of ['stop', 'STOP!', 'please stop', '@sunny.bots.test stop it', 'Unsubscribe', 'opt out', "don't stop"]) assert.ok(isStopRequest(s), s);
  for (const s of ['', 'I cannot stop baking sourdough bread every weekend', 'bus stop at the corner of my street today', 'great reply!']) {
    assert.ok(!isStopRequest(s), s);
  }
  assert.equal(didOfUri('at://did:plc:abc/app.bsky.feed.post/3k'), 'did:plc:abc');
  assert.equal(didOfUri('https://example.org'), undefined);
});

test('stored records that are not what they should be are ignored, not trusted', () => {
  assert.equal(parseConsent(bytes('not json')), undefined);
  assert.equal(parseConsent(bytes('{"state":"maybe"}')), undefined);
  assert.deepEqual(parseConsent(bytes('{"state":"out","reason":"block","at":5}')), { state: 'out', reason: 'block', at: 5, followUri: undefined, blocks: {} });
  assert.equal(parseRosterEntry(bytes('{"id":"a"}')), undefined);
  assert.equal(parseRosterEntry(bytes('{"id":"a","did":"nope"}')), undefined);
  assert.deepEqual(parseRosterEntry(bytes('{"id":"a","did":"did:plc:x","handle":"a.test","model":"m"}')), { id: 'a', did: 'did:plc:x', handle: 'a.test' });
});

test('mention counters are per UTC day', () => {
  assert.equal(mentionKey('did:plc:x', Date.UTC(2026, 0, 2, 23, 59)), 'did:plc:x.2026-01-02');
  assert.equal(mentionKey('did:plc:x', Date.UTC(2026, 0, 3, 0, 1)), 'did:plc:x.2026-01-03');
});

test('the picker follows the roster: a new bot starts level, a removed one is never drawn', () => {
  const picker = new BotPicker(['a', 'b'], 0, seededRandom(3));
  for (let i = 0; i < 100; i++) picker.pick();
  picker.sync(['a', 'b', 'c']);
  assert.equal(picker.assignments().get('c'), 50);
  const drawn = new Map<string, number>();
  for (let i = 0; i < 30; i++) for (const b of picker.pick().bots) drawn.set(b, (drawn.get(b) ?? 0) + 1);
  assert.deepEqual([...drawn.values()], [10, 10, 10]);
  picker.sync(['b', 'c']);
  for (let i = 0; i < 20; i++) assert.ok(!picker.pick().bots.includes('a'));
});
