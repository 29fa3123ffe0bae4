// Times in the contracts are int64 microseconds since the Unix epoch (`*_us` fields, bigint in
// TypeScript). These helpers convert at the edges so no one multiplies by 1000 by hand.

/** Now, in microseconds (millisecond resolution: Date is the clock every service shares). */
export function nowUs(): bigint {
  return BigInt(Date.now()) * 1000n;
}

/** A Date, or epoch milliseconds, in microseconds. */
export function toUs(time: Date | number): bigint {
  const ms = typeof time === 'number' ? time : time.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`invalid time: ${String(time)}`);
  return BigInt(Math.round(ms * 1000));
}

/** Microseconds as a Date (sub-millisecond digits are dropped). */
export function fromUs(us: bigint): Date {
  return new Date(Number(us / 1000n));
}

const ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Parses an AT Protocol datetime ("2024-05-01T12:00:00.123456Z") keeping its microseconds, which
 * Date.parse would drop. Returns undefined for anything else: createdAt is written by clients and
 * can be garbage.
 */
export function parseIsoUs(iso: string): bigint | undefined {
  const m = ISO.exec(iso);
  if (!m) return undefined;
  const wholeSecondsMs = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(wholeSecondsMs)) return undefined;
  const micros = BigInt((m[2] ?? '').padEnd(6, '0').slice(0, 6));
  return BigInt(wholeSecondsMs) * 1000n + micros;
}
