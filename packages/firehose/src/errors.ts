import type { RejectReason } from './types.ts';

const MAX_DETAIL = 200;

// Internal control flow: every decoding step throws a DecodeError carrying the rejection reason,
// and the public entry points turn it into a typed rejection. It never escapes the package.
export class DecodeError extends Error {
  override name = 'DecodeError';
  readonly reason: RejectReason;

  constructor(reason: RejectReason, detail: string, options?: { cause?: unknown }) {
    // Details quote input (a $type, a path): a hostile one must not make every log line huge.
    super(detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL)}...` : detail, options);
    this.reason = reason;
  }
}

/** A key resolver failed (threw or rejected); reported as reason 'unknown-key'. */
export class KeyResolutionError extends Error {
  override name = 'KeyResolutionError';

  constructor(did: string, options?: { cause?: unknown }) {
    super(`could not resolve the signing key of ${did}`, options);
  }
}

/** A did:key or multikey string that does not name a secp256k1 or P-256 public key. */
export class InvalidKeyError extends Error {
  override name = 'InvalidKeyError';

  constructor(detail: string, options?: { cause?: unknown }) {
    super(detail, options);
  }
}

export function truncated(detail: string): DecodeError {
  return new DecodeError('truncated', detail);
}

export function garbled(detail: string, cause?: unknown): DecodeError {
  return new DecodeError('garbled', detail, cause === undefined ? undefined : { cause });
}
