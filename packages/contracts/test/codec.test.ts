import { test } from 'node:test';
import assert from 'node:assert/strict';
import { equals } from '@bufbuild/protobuf';
import {
  DecodeError,
  EncodeError,
  NetworkEventSchema,
  PostSchema,
  RatingSnapshotSchema,
  ReplyTaskSchema,
  SUBJECTS,
  SUBJECT_SCHEMAS,
  create,
  decode,
  encode,
  networkSubject,
  schemaForSubject,
} from '../src/index.ts';
import { assertComplete, events, networkEvents, post } from './samples.ts';

test('every network event kind round-trips through binary', () => {
  const kinds = new Set<string | undefined>();
  for (const event of networkEvents) {
    kinds.add(event.payload.case);
    const back = decode(NetworkEventSchema, encode(NetworkEventSchema, event));
    assert.ok(equals(NetworkEventSchema, back, event), `${event.payload.case} changed in the round trip`);
    assert.deepEqual(back, event);
  }
  const oneof = NetworkEventSchema.oneofs.find((o) => o.name === 'payload');
  assert.deepEqual([...kinds].sort(), oneof?.fields.map((f) => f.localName).sort(), 'a sample per payload kind');
});

test('the post sample covers every field, and facets cover every feature', () => {
  const first = networkEvents[0];
  assert.ok(first);
  assertComplete(NetworkEventSchema, first);
  for (const event of networkEvents) assertComplete(NetworkEventSchema, event);
  assert.deepEqual(
    post.facets.map((f) => f.feature.case),
    ['mentionDid', 'linkUri', 'tag'],
  );
});

test('every other event round-trips through binary and covers its schema', () => {
  for (const [name, schema, message] of events) {
    assertComplete(schema, message);
    const back = decode(schema, encode(schema, message));
    assert.ok(equals(schema, back, message), `${name} changed in the round trip`);
    assert.deepEqual(back, message, name);
  }
});

test('int64 times survive as exact bigints', () => {
  const task = create(ReplyTaskSchema, { createdAtUs: 9_007_199_254_740_993n });
  assert.equal(decode(ReplyTaskSchema, encode(ReplyTaskSchema, task)).createdAtUs, 9_007_199_254_740_993n);
});

test('encode accepts a plain init object and fills defaults', () => {
  const bytes = encode(RatingSnapshotSchema, { botId: 'b', rating: 1000 });
  const back = decode(RatingSnapshotSchema, bytes);
  assert.equal(back.botId, 'b');
  assert.equal(back.rating, 1000);
  assert.equal(back.battles, 0);
  assert.equal(back.computedAtUs, 0n);
});

test('malformed bytes raise DecodeError naming the message', () => {
  const garbage = [
    Uint8Array.of(0x0a, 0x05, 0x61), // field 1, length 5, only 1 byte follows
    Uint8Array.of(0x0f), // wire type 7 does not exist
    Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), // varint too long
    Uint8Array.of(0x00), // field number 0 is invalid
    Uint8Array.of(0x0a, 0x02, 0xff, 0xfe), // field 1 (did, a string) is not UTF-8
  ];
  for (const bytes of garbage) {
    assert.throws(
      () => decode(NetworkEventSchema, bytes),
      (err: unknown) => {
        assert.ok(err instanceof DecodeError);
        assert.equal(err.name, 'DecodeError');
        assert.equal(err.typeName, 'botsky.v1.NetworkEvent');
        assert.match(err.message, /^malformed botsky\.v1\.NetworkEvent: /);
        assert.ok(err.cause instanceof Error);
        return true;
      },
      `bytes ${Buffer.from(bytes).toString('hex')}`,
    );
  }
});

test('a non-binary payload raises DecodeError, not a TypeError from deep inside', () => {
  assert.throws(() => decode(PostSchema, 'hello' as unknown as Uint8Array), DecodeError);
  assert.throws(() => decode(PostSchema, undefined as unknown as Uint8Array), DecodeError);
});

test('an unencodable value raises EncodeError', () => {
  const bad = create(RatingSnapshotSchema, { rank: -1 });
  assert.throws(
    () => encode(RatingSnapshotSchema, bad),
    (err: unknown) => {
      assert.ok(err instanceof EncodeError);
      assert.equal(err.typeName, 'botsky.v1.RatingSnapshot');
      return true;
    },
  );
});

test('fields unknown to this version are kept and re-encoded', () => {
  const withExtra = new Uint8Array([...encode(PostSchema, { text: 'hi' }), 0xf8, 0x06, 0x2a]); // field 111 = 42
  const back = decode(PostSchema, withExtra);
  assert.equal(back.text, 'hi');
  assert.deepEqual(encode(PostSchema, back), withExtra);
});

test('every subject has a schema, and network events map to their subject', () => {
  for (const subject of Object.values(SUBJECTS)) assert.ok(SUBJECT_SCHEMAS[subject], subject);
  assert.equal(schemaForSubject(SUBJECTS.replyTask), ReplyTaskSchema);
  assert.equal(schemaForSubject('botsky.nope'), undefined);
  assert.equal(schemaForSubject('toString'), undefined);
  const subjects = networkEvents.map((event) => networkSubject(event));
  assert.deepEqual(subjects, [
    SUBJECTS.networkPost,
    SUBJECTS.networkLike,
    SUBJECTS.networkRepost,
    SUBJECTS.networkFollow,
    SUBJECTS.networkBlock,
    SUBJECTS.networkDelete,
    SUBJECTS.networkProfile,
    SUBJECTS.networkAccount,
    SUBJECTS.networkIdentity,
    SUBJECTS.networkListBlock,
    SUBJECTS.networkListItem,
  ]);
  for (const subject of subjects) assert.equal(SUBJECT_SCHEMAS[subject], NetworkEventSchema);
  assert.throws(() => networkSubject(create(NetworkEventSchema, { did: 'did:plc:x' })), /has no payload/);
});
