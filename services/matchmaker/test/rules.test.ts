// The small pure rules: what counts as "stop", reading stored records defensively, day keys, a
// picker that follows a changing roster without flooding a newcomer, and the bookkeeping of list
// blocks (a read per list, items and deletions while it is in flight, retries, the memory bound).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '@botsky/ratings';
import { didOfUri, isStopRequest } from '../src/match/stop.ts';
import { BotPicker } from '../src/selection/index.ts';
import { parseConsent } from '@botsky/contracts';
import { ListBlocks, ListUnreadableError, type ListItemRecord } from '../src/state/list-blocks.ts';
import { mentionKey } from '../src/state/mentions.ts';
import { parseRosterEntry } from '../src/state/roster.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

test('"stop" in a short message opts out; a normal sentence does not', () => {
  for (const s of ['stop', 'STOP!', 'please stop', '@sunny.bots.test stop it', 'Unsubscribe', 'opt out', "don't stop"])
    assert.ok(isStopRequest(s), s);
  for (const s of ['', 'I cannot stop baking sourdough bread every weekend', 'bus stop at the corner of my street today', 'great reply!']) {
    assert.ok(!isStopRequest(s), s);
  }
  assert.equal(didOfUri('at://did:plc:abc/app.bsky.feed.post/3k'), 'did:plc:abc');
  assert.equal(didOfUri('https://example.org'), undefined);
});

test('stored records that are not what they should be are ignored, not trusted', () => {
  assert.equal(parseConsent(bytes('not json')), undefined);
  assert.equal(parseConsent(bytes('{"state":"maybe"}')), undefined);
  assert.deepEqual(parseConsent(bytes('{"state":"out","reason":"block","at":5}')), {
    state: 'out',
    reason: 'block',
    at: 5,
    followUri: undefined,
    blocks: {},
  });
  assert.equal(parseRosterEntry(bytes('{"id":"a"}')), undefined);
  assert.equal(parseRosterEntry(bytes('{"id":"a","did":"nope"}')), undefined);
  assert.deepEqual(parseRosterEntry(bytes('{"id":"a","did":"did:plc:x","handle":"a.test","model":"m"}')), {
    id: 'a',
    did: 'did:plc:x',
    handle: 'a.test',
    active: true,
  });
  // A registered bot removed (or back in the sandbox) is still a bot, and takes no posts.
  assert.equal(parseRosterEntry(bytes('{"id":"a","did":"did:plc:x","handle":"a.test","active":false}'))?.active, false);
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

test('list blocks: one read per list, both ways, items and deletions while the read is in flight, retries, the memory bound', async () => {
  const L = 'at://did:plc:mod/app.bsky.graph.list/3kl';
  const M = 'at://did:plc:mod/app.bsky.graph.list/3km';
  const item = (rkey: string, subject: string): ListItemRecord => ({ uri: `at://did:plc:mod/app.bsky.graph.listitem/${rkey}`, subject });
  const answers = new Map<string, { resolve: (r: ListItemRecord[]) => void; reject: (e: Error) => void }>();
  const reads: string[] = [];
  let clock = 0;
  const evicted: string[] = [];
  const lists = new ListBlocks(
    (list) =>
      new Promise((resolve, reject) => {
        reads.push(list);
        answers.set(list, { resolve, reject });
      }),
    { now: () => clock, maxMembers: 3, onEvict: (l) => evicted.push(l) },
  );
  lists.add('at://did:plc:ann/app.bsky.graph.listblock/1', 'did:plc:ann', L);
  lists.add('at://did:plc:bob/app.bsky.graph.listblock/1', 'did:plc:bob', L);
  assert.deepEqual(reads, [L], 'one read for two blocks of one list');
  lists.addItem(item('new', 'did:plc:eve').uri, L, 'did:plc:eve');
  lists.removeItem(item('old', 'did:plc:cal').uri);
  assert.equal(lists.between('did:plc:ann', 'did:plc:eve'), true, 'an item seen while the read is in flight counts at once');
  answers.get(L)!.resolve([item('old', 'did:plc:cal'), item('dee', 'did:plc:dee')]);
  assert.deepEqual([...(await lists.members(L))].sort(), ['did:plc:dee', 'did:plc:eve'], 'an item deleted during the read stays deleted');
  assert.equal(lists.between('did:plc:dee', 'did:plc:ann'), true, 'either way');
  assert.equal(lists.between('did:plc:dee', 'did:plc:eve'), false, 'two members of a list do not block each other');
  assert.deepEqual(lists.removeItem(item('dee', 'did:plc:dee').uri), { list: L, subject: 'did:plc:dee' });
  assert.deepEqual(
    lists.item(item('dee', 'did:plc:dee').uri),
    { list: L, subject: 'did:plc:dee' },
    'a deletion is remembered for the consumer group',
  );
  assert.equal(lists.between('did:plc:dee', 'did:plc:ann'), false);

  lists.add('at://did:plc:ann/app.bsky.graph.listblock/2', 'did:plc:ann', M);
  answers.get(M)!.reject(new Error('PDS down'));
  await assert.rejects(
    lists.members(M),
    (err: unknown) => err instanceof ListUnreadableError && (err.cause as Error).message === 'PDS down',
  );
  assert.deepEqual(reads, [L, M], 'not read again before the retry is due');
  clock += 1000;
  const again = lists.members(M);
  answers.get(M)!.resolve([item('m1', 'did:plc:x'), item('m2', 'did:plc:y'), item('m3', 'did:plc:z')]);
  assert.equal((await again).size, 3, 'read again once due');
  assert.deepEqual(
    [evicted, lists.memberCount, lists.between('did:plc:ann', 'did:plc:eve')],
    [[L], 3, false],
    'past the budget the list read first is forgotten',
  );
  lists.addItem(item('e2', 'did:plc:eve').uri, L, 'did:plc:eve');
  assert.deepEqual(reads, [L, M, M, L], 'and read again when it is needed');

  assert.deepEqual(lists.remove('at://did:plc:ann/app.bsky.graph.listblock/2'), { did: 'did:plc:ann', list: M });
  assert.deepEqual([lists.size, lists.memberCount, lists.blocksOf(M)], [2, 0, []], 'a list nobody blocks is forgotten');
});
