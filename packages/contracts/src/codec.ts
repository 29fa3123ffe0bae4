// Binary encoding of the contracts, with errors that say which message failed and why. Bytes
// arrive from the bus and from other people's gRPC endpoints: a malformed payload must become a
// DecodeError a consumer can dead-letter, never an unexplained crash.

import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { DescMessage, MessageInitShape, MessageShape } from '@bufbuild/protobuf';

/** Bytes that are not a valid encoding of the expected message. */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  /** Full protobuf name of the expected message, e.g. "botsky.v1.NetworkEvent". */
  readonly typeName: string;

  constructor(typeName: string, cause: unknown) {
    super(`malformed ${typeName}: ${describe(cause)}`, { cause });
    this.typeName = typeName;
  }
}

/** A value that cannot be encoded as the message (a producer bug, e.g. a negative uint32). */
export class EncodeError extends Error {
  override readonly name = 'EncodeError';
  readonly typeName: string;

  constructor(typeName: string, cause: unknown) {
    super(`cannot encode ${typeName}: ${describe(cause)}`, { cause });
    this.typeName = typeName;
  }
}

/**
 * Encodes a message, or a plain object shaped like one (`create` fills the defaults), to the
 * protobuf binary format the bus and gRPC carry.
 */
export function encode<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc> | MessageInitShape<Desc>): Uint8Array {
  try {
    return toBinary(schema, create(schema, message));
  } catch (err) {
    throw new EncodeError(schema.typeName, err);
  }
}

/**
 * Decodes protobuf binary into a message; throws DecodeError on malformed bytes. Fields unknown
 * to this version are kept (and re-encoded), so an older consumer can pass newer events on.
 * Protobuf has no type tag: bytes of a different message may still decode, as unknown fields.
 */
export function decode<Desc extends DescMessage>(schema: Desc, bytes: Uint8Array): MessageShape<Desc> {
  if (!(bytes instanceof Uint8Array)) {
    throw new DecodeError(schema.typeName, new TypeError(`expected Uint8Array, got ${typeof bytes}`));
  }
  try {
    return fromBinary(schema, bytes);
  } catch (err) {
    throw new DecodeError(schema.typeName, err);
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
