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
const like = (did: string, of: string): NetworkEvent => ({ ...meta, kind: 'like', did, uri: at(did, 'app.bsky.feed.like'), subject: ref(of), createdAt: '' });
const follow = (did: string, subject: string): NetworkEvent => ({ ...meta, kind: 'follow', did, uri: at(did, 'app.bsky.graph.follow'), subject, createdAt: '' });
const block = (did: string, subject: string): NetworkEvent => ({ ...meta, kind: 'block', did, uri: at(did, 'app.bsky.graph.block'), subject, createdAt: '' });
const del = (did: string, collection: 'app.bsky.graph.follow' | 'app.bsky.feed.post'): NetworkEvent => ({ seq: 1, rev: 'r', timeUs: 1, kind: 'delete', did, uri: at(did, collection), collection });

describe('community scope', () => {
  const bus = createMemoryBus();
  let scope: Scope;

  before(async () => {
    await (await bus.kv(KV_BUCKETS.consent)).put(PERSON, new TextEncoder().encode('{"state":"in"}'));
    await (await bus.kv(KV_BUCKETS.bots)).put('bot-a', new TextEncoder().encode(JSON.stringify({ id: 'bot-a', did: BOT, handle: 'a.test' })));
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

  it('keeps every post delete and every account that stops, whoever they are: a kept post may be a stranger\'s', () => {
    const far = 'did:plc:far';
    assert.equal(scope.keeps(post(far, { quote: PERSON })), true);
    assert.equal(scope.keeps(del(far, 'app.bsky.feed.post')), true);
    const account = (did: string, active: boolean, status: string | null): NetworkEvent => ({ seq: 1, rev: '', timeUs: 1, kind: 'account', did, active, status });
    assert.equal(scope.keeps(account(far, false, 'deleted')), true);
    assert.equal(scope.keeps(account(far, false, 'deactivated')), true);
    assert.equal(scope.keeps(account(far, true, null)), false);
    assert.equal(scope.keeps(account(PERSON, true, null)), true);
    assert.equal(scope.keeps(like(far, OTHER)), false, 'and still nothing else of strangers');
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
