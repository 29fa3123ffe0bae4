// Decoding a bus message by its subject, the one way every consumer and follower does it: the
// schema comes from the contract (SUBJECT_SCHEMAS), and a message that cannot be decoded is
// poison, with one reason format: `<subject> seq <n>: <what went wrong>`.
// - A consumer calls decodeMessage: the PoisonMessageError it throws dead-letters the message.
// - A follower calls decodeFollowed: it cannot dead-letter, so the message is counted and skipped.
import { decode, DecodeError, schemaForSubject, type DescMessage, type MessageShape } from '@botsky/contracts';
import { PoisonMessageError } from './errors.ts';
import type { BusMessage, FollowReader } from './types.ts';

/**
 * The message's payload, decoded with its subject's schema, which must be `expected` (the type
 * the caller handles). Throws PoisonMessageError for a subject without a schema, a subject that
 * carries another type, or bytes that do not decode.
 */
export function decodeMessage<D extends DescMessage>(msg: BusMessage, expected: D): MessageShape<D> {
  const schema = schemaForSubject(msg.subject);
  if (schema === undefined) throw poison(msg, 'no schema is defined for this subject');
  if (schema.typeName !== expected.typeName) throw poison(msg, `carries ${schema.typeName}, not ${expected.typeName}`);
  try {
    return decode(expected, msg.data);
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    throw poison(msg, err.message, err);
  }
}

/**
 * For a follower: the payload, or undefined when it cannot be decoded. With `reader`, the message
 * is skipped through it (counted in the follower's `failed` and reported); without, the caller
 * leaves the counting to the consumer group that reads the same subject and dead-letters it.
 */
export function decodeFollowed<D extends DescMessage>(msg: BusMessage, expected: D, reader?: FollowReader): MessageShape<D> | undefined {
  try {
    return decodeMessage(msg, expected);
  } catch (err) {
    if (!(err instanceof PoisonMessageError)) throw err;
    reader?.skip(err.message, err);
    return undefined;
  }
}

function poison(msg: BusMessage, detail: string, cause?: unknown): PoisonMessageError {
  return new PoisonMessageError(`${msg.subject} seq ${msg.seq}: ${detail}`, cause === undefined ? undefined : { cause });
}
