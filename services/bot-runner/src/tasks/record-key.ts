// The reply's record key, derived from the task: a redelivered task (another replica, or this
// one after a crash) writes the same key, so the PDS holds at most one reply per task.
// Post record keys must be TIDs: 53 bits of microseconds since the epoch and 10 bits of clock id,
// in base32-sortable. The time is the task's creation time with its low 20 bits (about a second)
// and the clock id taken from a hash of the task id: 30 bits keep apart the tasks one bot gets
// within a second (its write budget allows about one every two seconds), and the key still sorts
// where the reply belongs in time. A collision is caught by the caller (the reply found under the
// key answers another post) and a salted key is used instead.
import { createHash } from 'node:crypto';

const ALPHABET = '234567abcdefghijklmnopqrstuvwxyz';
const CLOCK_BITS = 0x3ffn;
const TIME_BITS = 0xfffffn;
// 2024-01-01, for a task without a creation time: still a valid, plausible TID.
const FALLBACK_US = 1_704_067_200_000_000n;

export function replyRecordKey(taskId: string, createdAtUs: bigint): string {
  const h = createHash('sha256').update(`reply-rkey\n${taskId}`).digest();
  const mix = BigInt(h.readUInt32BE(0));
  const base = createdAtUs > 0n && createdAtUs < 1n << 53n ? createdAtUs : FALLBACK_US;
  const timestamp = (base & ~TIME_BITS) | (mix & TIME_BITS);
  const clockId = (mix >> 20n) & CLOCK_BITS;
  return encode((timestamp << 10n) | clockId);
}

function encode(value: bigint): string {
  let out = '';
  for (let v = value; v > 0n; v >>= 5n) out = ALPHABET[Number(v & 31n)] + out;
  return out.padStart(13, '2');
}

export const TID_PATTERN = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;
