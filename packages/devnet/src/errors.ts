/** Base class so callers can catch every devnet failure with one `instanceof`. */
export class DevnetError extends Error {
  override name = 'DevnetError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An option the caller passed cannot work (e.g. a data dir that already holds files). */
export class DevnetConfigError extends DevnetError {
  override name = 'DevnetConfigError';
}

/** PLC or PDS failed to come up; whatever had started is already stopped again. */
export class DevnetStartError extends DevnetError {
  override name = 'DevnetStartError';
}

/** One or more parts failed to stop; `cause` holds the first error or an AggregateError. */
export class DevnetStopError extends DevnetError {
  override name = 'DevnetStopError';
}

/** The PDS refused to create an account (bad handle, taken handle, ...). */
export class DevnetAccountError extends DevnetError {
  override name = 'DevnetAccountError';
}
