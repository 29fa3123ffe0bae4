// decodeMessage and decodeFollowed: decoding by subject from the contract's SUBJECT_SCHEMAS, and
// the one poison reason format, `<subject> seq <n>: <what went wrong>`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create, encode, NetworkEventSchema, ReplyTaskSchema, SUBJECTS } from '@botsky/contracts';
import { decodeFollowed, decodeMessage } from '../src/decode.ts';
import { PoisonMessageError } from '../src/errors.ts';
import type { BusMessage, FollowReader } from '../src/types.ts';

function message(subject: string, data: Uint8Array, seq = 7): BusMessage {
  return { subject, data, seq, msgId: undefined, deliveryCount: 1, headers: {} } as unknown as BusMessage;
}

const task = encode(ReplyTaskSchema, create(ReplyTaskSchema, { taskId: 't-1', botId: 'b' }));

test("decodes a payload with its subject's schema", () => {
  assert.equal(decodeMessage(message(SUBJECTS.replyTask, task), ReplyTaskSchema).taskId, 't-1');
  const ev = encode(NetworkEventSchema, create(NetworkEventSchema, { uri: 'at://x' }));
  assert.equal(decodeMessage(message(SUBJECTS.networkDelete, ev), NetworkEventSchema).uri, 'at://x');
});

test('bytes that do not decode are poison, named by subject and seq, with the DecodeError as cause', () => {
  assert.throws(
    () => decodeMessage(message(SUBJECTS.replyTask, new Uint8Array([0xff, 0xff])), ReplyTaskSchema),
    (e: unknown) => {
      assert.ok(e instanceof PoisonMessageError);
      assert.match(e.message, /^botsky\.tasks\.reply seq 7: .*ReplyTask/);
      assert.equal((e.cause as Error).name, 'DecodeError');
      return true;
    },
  );
});

test('a subject without a schema, or one that carries another type, is poison', () => {
  assert.throws(
    () => decodeMessage(message('botsky.nowhere', task), ReplyTaskSchema),
    /^PoisonMessageError: botsky\.nowhere seq 7: no schema/,
  );
  assert.throws(
    () => decodeMessage(message(SUBJECTS.botOutcome, task), ReplyTaskSchema),
    /carries botsky\.v1\.BotOutcome, not botsky\.v1\.ReplyTask/,
  );
});

test('decodeFollowed skips through the reader instead of throwing', () => {
  const skipped: string[] = [];
  const reader: FollowReader = { skip: (reason) => skipped.push(reason) };
  assert.equal(decodeFollowed(message(SUBJECTS.replyTask, task), ReplyTaskSchema, reader)?.taskId, 't-1');
  assert.equal(decodeFollowed(message(SUBJECTS.replyTask, new Uint8Array([0xff]), 9), ReplyTaskSchema, reader), undefined);
  assert.equal(
    decodeFollowed(message(SUBJECTS.replyTask, new Uint8Array([0xff])), ReplyTaskSchema),
    undefined,
    'without a reader: skipped, left to the consumer group',
  );
  assert.equal(skipped.length, 1);
  assert.match(skipped[0]!, /^botsky\.tasks\.reply seq 9: /);
});
