// The community scope: events by or about the community (opted-in or out people, bots, the
// project account) are kept, strangers' are not, and nothing that can change consent or purge a
// text is lost.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemoryBus } from '@botsky/bus';
import { KV_BUCKETS } from '@botsky/contracts';
import { createLogging } from '@botsky/kit';
import type { NetworkEvent } from '@botsky/firehose';
import { createCommunityScope, type Scope } from '../src/index.ts';

const PROJECT = 'did:plc:project';
const BOT = 'did:plc:bot';
const PERSON = 'did:plc:person';
const STRANGER = 'did:plc:stranger';
const OTHER = 'did:plc:other';
const meta = { seq: 1, rev: 'r', timeUs: 1, action: 'create' as const, cid: 'c' };
const at = (did: string, coll = 'app.bsky.feed.post') => `at://${did}/${coll}/3k`;
const ref = (did: string) => ({ uri: at(did), cid: 'c' });

function post(did: string, extra: { reply?: string; mention?: string; quote?: string } = {}): NetworkEvent {
  const facets = extra.mention ? [{ byteStart: 0, byteEnd: 1, type: 'mention' as const, did: extra.mention }] : [];
  const reply = extra.reply ? { root: ref(extra.reply), parent: ref(extra.reply) } : null;
  const embed = extra.quote ? { record: ref(extra.quote), external: null, imageAlts: [], hasVideo: false } : null;
  return { ...meta, kind: 'post', did, uri: at(did), text: 'x', langs: [], reply, facets, embed, tags: [], selfLabels: [], createdAt: '' };
}
const like = (did: string, of: string): NetworkEvent => ({
  ...meta,
  kind: 'like',
  did,
  uri: at(did, 'app.bsky.feed.like'),
  subject: ref(of),
  createdAt: '',
});
const follow = (did: string, subject: string): NetworkEvent => ({
  ...meta,
  kind: 'follow',
  did,
  uri: at(did, 'app.bsky.graph.follow'),
  subject,
  createdAt: '',
});
const block = (did: string, subject: string): NetworkEvent => ({
  ...meta,
  kind: 'block',
  did,
  uri: at(did, 'app.bsky.graph.block'),
  subject,
  createdAt: '',
});
const del = (
  did: string,
  collection: 'app.bsky.graph.follow' | 'app.bsky.feed.post' | 'app.bsky.graph.listblock' | 'app.bsky.graph.listitem',
  uri = at(did, collection),
): NetworkEvent => ({ seq: 1, rev: 'r', timeUs: 1, kind: 'delete', did, uri, collection });
const listOf = (owner: string, rkey: string) => `at://${owner}/app.bsky.graph.list/${rkey}`;
const listblock = (did: string, list: string): NetworkEvent => ({
  ...meta,
  kind: 'listblock',
  did,
  uri: at(did, 'app.bsky.graph.listblock'),
  list,
  createdAt: '',
});
const listitem = (owner: string, list: string, subject: string, rkey: string): NetworkEvent => ({
  ...meta,
  kind: 'listitem',
  did: owner,
  uri: `at://${owner}/app.bsky.graph.listitem/${rkey}`,
  list,
  subject,
  createdAt: '',
});

describe('community scope', () => {
  const bus = createMemoryBus();
  let scope: Scope;

  before(async () => {
    await (await bus.kv(KV_BUCKETS.consent)).put(PERSON, new TextEncoder().encode('{"state":"in"}'));
    await (await bus.kv(KV_BUCKETS.bots)).put(
      'bot-a',
      new TextEncoder().encode(JSON.stringify({ id: 'bot-a', did: BOT, handle: 'a.test' })),
    );
    await (await bus.kv(KV_BUCKETS.bots)).put('bot-b', new TextEncoder().encode('not json'));
    scope = createCommunityScope({ kv: (b) => bus.kv(b), projectDid: PROJECT, logger: createLogging({ level: 'silent' }).root });
    await scope.start();
  });
  after(async () => {
    scope.stop();
    await bus.close();
  });

  it('keeps the community and what touches it, drops strangers among themselves', () => {
    assert.equal(scope.keeps(post(PERSON)), true);
    assert.equal(scope.keeps(post(BOT)), true);
    assert.equal(scope.keeps(post(STRANGER, { reply: PERSON })), true);
    assert.equal(scope.keeps(post(STRANGER, { quote: PERSON })), true);
    assert.equal(scope.keeps(like(STRANGER, BOT)), true);
    assert.equal(scope.keeps(block(STRANGER, BOT)), true);
    assert.equal(scope.keeps(del(STRANGER, 'app.bsky.graph.follow')), true);
    assert.equal(scope.keeps(post(STRANGER)), false);
    assert.equal(scope.keeps(post(STRANGER, { reply: OTHER })), false);
    assert.equal(scope.keeps(post(STRANGER, { quote: OTHER })), false);
    assert.equal(scope.keeps(like(STRANGER, OTHER)), false);
    assert.equal(scope.keeps(follow(STRANGER, OTHER)), false);
  });

  it("keeps every post delete and every account that stops, whoever they are: a kept post may be a stranger's", () => {
    const far = 'did:plc:far';
    assert.equal(scope.keeps(post(far, { quote: PERSON })), true);
    assert.equal(scope.keeps(del(far, 'app.bsky.feed.post')), true);
    const account = (did: string, active: boolean, status: string | null): NetworkEvent => ({
      seq: 1,
      rev: '',
      timeUs: 1,
      kind: 'account',
      did,
      active,
      status,
    });
    assert.equal(scope.keeps(account(far, false, 'deleted')), true);
    assert.equal(scope.keeps(account(far, false, 'deactivated')), true);
    assert.equal(scope.keeps(account(far, true, null)), false);
    assert.equal(scope.keeps(account(PERSON, true, null)), true);
    assert.equal(scope.keeps(like(far, OTHER)), false, 'and still nothing else of strangers');
  });

  it("list blocks and items: a consenting person's list block, items naming the community or on a list it blocks, their deletes", () => {
    const mod = 'did:plc:moderator';
    const spam = listOf(mod, 'spam');
    const bots = listOf(mod, 'bots');
    const quiet = listOf(mod, 'quiet');
    assert.equal(scope.keeps(listblock(STRANGER, spam)), false, 'a stranger blocking a list of strangers');
    assert.equal(scope.keeps(listitem(mod, spam, 'did:plc:spammer', 'i1')), false, 'nobody in the community blocks it yet');
    assert.equal(scope.keeps(listblock(PERSON, spam)), true);
    assert.equal(scope.keeps(listitem(mod, spam, 'did:plc:spammer', 'i2')), true, 'every member of a list a consenting person blocks');
    assert.equal(scope.keeps(listitem(mod, quiet, PERSON, 'i3')), true, 'an item naming a consenting person');
    assert.equal(scope.keeps(listitem(mod, quiet, 'did:plc:nobody', 'i4')), false);
    assert.equal(scope.keeps(listitem(mod, bots, BOT, 'i5')), true, 'an item naming a bot');
    assert.equal(scope.keeps(listblock(STRANGER, bots)), true, 'a stranger blocking a list with a bot on it');
    assert.equal(scope.keeps(listitem(PERSON, listOf(PERSON, 'mine'), 'did:plc:nobody', 'i6')), true, "a consenting person's own list");
    assert.equal(scope.keeps(del(STRANGER, 'app.bsky.graph.listblock')), true, 'a list block lifted, whoever lifts it');
    assert.equal(
      scope.keeps(del(mod, 'app.bsky.graph.listitem', `at://${mod}/app.bsky.graph.listitem/i2`)),
      true,
      'the deletion of a kept item',
    );
    assert.equal(
      scope.keeps(del(mod, 'app.bsky.graph.listitem', `at://${mod}/app.bsky.graph.listitem/i4`)),
      false,
      'the deletion of an item not kept',
    );
    assert.equal(scope.keeps(del(PERSON, 'app.bsky.graph.listitem')), true);
  });

  it('a follow of the project account or a post tagging a bot brings its author in at once', () => {
    assert.equal(scope.keeps(post(OTHER)), false);
    assert.equal(scope.keeps(follow(OTHER, PROJECT)), true);
    assert.equal(scope.keeps(post(OTHER)), true);
    const tagger = 'did:plc:tagger';
    assert.equal(scope.keeps(post(tagger, { mention: BOT })), true);
    assert.equal(scope.keeps(like(tagger, STRANGER)), true);
  });
});
