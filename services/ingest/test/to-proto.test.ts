// The mapping onto the contract for what the local PDS does not produce in the other tests:
// inactive accounts, identity events without a handle, tag facets, embeds and tags, message ids,
// list blocks and list items.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AccountStatus, NetworkEventSchema, NetworkSource, decode, encode } from '@botsky/contracts';
import type { Embed } from '@botsky/firehose';
import { messageId, toProto } from '../src/index.ts';

const base = { seq: 42, did: 'did:plc:abc', rev: '', timeUs: 1_700_000_000_000_000 };

describe('toProto', () => {
  it('maps account status, identity without a handle, and gives them did+seq ids', () => {
    const down = toProto({ ...base, kind: 'account', active: false, status: 'takendown' }, 'jetstream');
    assert.equal(down.subject, 'botsky.network.account');
    assert.equal(down.msgId, 'did:plc:abc#account@42');
    assert.ok(down.event.payload.case === 'account');
    assert.deepEqual(
      [down.event.payload.value.active, down.event.payload.value.status, down.event.source],
      [false, AccountStatus.TAKENDOWN, NetworkSource.JETSTREAM],
    );
    const odd = toProto({ ...base, kind: 'account', active: false, status: 'something-new' }, 'firehose');
    assert.ok(odd.event.payload.case === 'account');
    assert.equal(odd.event.payload.value.status, AccountStatus.UNSPECIFIED);
    const id = toProto({ ...base, kind: 'identity', handle: null }, 'firehose');
    assert.deepEqual(
      [id.subject, id.msgId, id.event.payload.case === 'identity' && id.event.payload.value.handle],
      ['botsky.network.identity', 'did:plc:abc#identity@42', ''],
    );
  });

  it('keeps tag facets and dedups mentions; the event survives an encode/decode round trip', () => {
    const uri = 'at://did:plc:abc/app.bsky.feed.post/3k';
    const out = toProto(
      {
        ...base,
        kind: 'post',
        action: 'create',
        uri,
        cid: 'bafy',
        rev: '3k',
        text: '#rust @a @a',
        langs: [],
        reply: null,
        embed: null,
        tags: [],
        selfLabels: ['nudity'],
        createdAt: 'not a date',
        facets: [
          { byteStart: 0, byteEnd: 5, type: 'tag', tag: 'rust' },
          { byteStart: 6, byteEnd: 8, type: 'mention', did: 'did:plc:a' },
          { byteStart: 9, byteEnd: 11, type: 'mention', did: 'did:plc:a' },
        ],
      },
      'firehose',
    );
    assert.equal(out.msgId, `${uri}#bafy`);
    const back = decode(NetworkEventSchema, encode(NetworkEventSchema, out.event));
    assert.ok(back.payload.case === 'post');
    assert.deepEqual(
      back.payload.value.facets.map((f) => f.feature.value),
      ['rust', 'did:plc:a', 'did:plc:a'],
    );
    assert.deepEqual(
      [back.payload.value.mentions, back.payload.value.selfLabels, back.payload.value.createdAtUs],
      [['did:plc:a'], ['nudity'], 0n],
    );
    assert.equal(messageId({ ...base, kind: 'delete', uri, rev: '3m', collection: 'app.bsky.feed.post' }), `${uri}#delete@3m`);
  });

  it('maps a list block and a list item onto their payloads and subjects, keyed by URI and CID', () => {
    const list = 'at://did:plc:mod/app.bsky.graph.list/3kl';
    const record = { ...base, action: 'create' as const, rev: '3k', cid: 'bafy', createdAt: '2025-01-01T00:00:00Z' };
    const block = toProto({ ...record, kind: 'listblock', uri: 'at://did:plc:abc/app.bsky.graph.listblock/3kb', list }, 'jetstream');
    assert.deepEqual([block.subject, block.msgId], ['botsky.network.listblock', 'at://did:plc:abc/app.bsky.graph.listblock/3kb#bafy']);
    const b = decode(NetworkEventSchema, encode(NetworkEventSchema, block.event));
    assert.ok(b.payload.case === 'listBlock');
    assert.deepEqual([b.did, b.payload.value.listUri, b.payload.value.createdAtUs], ['did:plc:abc', list, 1_735_689_600_000_000n]);
    const item = toProto(
      { ...record, kind: 'listitem', uri: 'at://did:plc:abc/app.bsky.graph.listitem/3ki', list, subject: 'did:plc:bad' },
      'firehose',
    );
    assert.equal(item.subject, 'botsky.network.listitem');
    const i = decode(NetworkEventSchema, encode(NetworkEventSchema, item.event));
    assert.ok(i.payload.case === 'listItem');
    assert.deepEqual(
      [i.payload.value.listUri, i.payload.value.subjectDid, i.payload.value.createdAtUs],
      [list, 'did:plc:bad', 1_735_689_600_000_000n],
    );
  });

  it('maps embeds (quote with media, link card) and tags; no embed stays unset', () => {
    const uri = 'at://did:plc:abc/app.bsky.feed.post/3k';
    const quoted = { uri: 'at://did:plc:q/app.bsky.feed.post/3j', cid: 'bafyq' };
    const postOf = (embed: Embed | null) => {
      const out = toProto(
        {
          ...base,
          kind: 'post',
          action: 'create',
          uri,
          cid: 'bafy',
          rev: '3k',
          text: 'x',
          langs: [],
          reply: null,
          facets: [],
          embed,
          tags: ['rust', 'café'],
          selfLabels: [],
          createdAt: '2025-01-01T00:00:00Z',
        },
        'firehose',
      );
      const back = decode(NetworkEventSchema, encode(NetworkEventSchema, out.event));
      assert.ok(back.payload.case === 'post');
      return back.payload.value;
    };
    const quote = postOf({ record: quoted, external: null, imageAlts: ['a cat', ''], hasVideo: false });
    assert.deepEqual(
      [quote.embed?.record?.uri, quote.embed?.record?.cid, quote.embed?.imageAlts, quote.embed?.hasVideo, quote.embed?.externalUri],
      [quoted.uri, quoted.cid, ['a cat', ''], false, ''],
    );
    assert.deepEqual(quote.tags, ['rust', 'café']);
    const card = postOf({
      record: null,
      external: { uri: 'https://example.com/a', title: 'A', description: 'about a' },
      imageAlts: [],
      hasVideo: true,
    });
    assert.deepEqual(
      [card.embed?.record, card.embed?.externalUri, card.embed?.externalTitle, card.embed?.externalDescription, card.embed?.hasVideo],
      [undefined, 'https://example.com/a', 'A', 'about a', true],
    );
    assert.equal(postOf(null).embed, undefined);
  });
});
