// A person's consent as matchmaker keeps it in NATS KV (KV_BUCKETS.consent, key: the DID): in
// after following the project's account or tagging a bot, out the moment they block a bot,
// unfollow, or say "stop". matchmaker writes it (compare-and-set); the web app reads it to show a
// person where they stand.

export type ConsentState = 'in' | 'out';

export interface ConsentRecord {
  state: ConsentState;
  reason: string;
  /** When the state last changed, epoch ms. */
  at: number;
  /** URI of the follow of the project's account, so its deletion (an unfollow) is recognised. */
  followUri?: string;
  /** Block record URI → blocked bot DID. */
  blocks: Record<string, string>;
  /**
   * Whether the person may be introduced to strangers: a consent of its own, given by following
   * the project's account (or the web app's setting), never by tagging a bot. Absent in records
   * written before it existed: those opted in by a follow count as given.
   */
  introductions?: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeConsent(record: ConsentRecord): Uint8Array {
  return encoder.encode(JSON.stringify(record));
}

export function parseConsent(bytes: Uint8Array): ConsentRecord | undefined {
  try {
    const v = JSON.parse(decoder.decode(bytes)) as Partial<ConsentRecord>;
    if (v.state !== 'in' && v.state !== 'out') return undefined;
    const record: ConsentRecord = {
      state: v.state,
      reason: String(v.reason ?? ''),
      at: Number(v.at ?? 0),
      followUri: v.followUri,
      blocks: { ...(v.blocks ?? {}) },
    };
    if (typeof v.introductions === 'boolean') record.introductions = v.introductions;
    return record;
  } catch {
    return undefined;
  }
}

/** Whether the person may be introduced: opted in, and to introductions too. */
export function introducible(record: ConsentRecord | undefined): boolean {
  return record?.state === 'in' && (record.introductions ?? record.reason === 'follow');
}

/** Blocked bot DIDs of a record. */
export function blockedBots(record: ConsentRecord | undefined): Set<string> {
  return new Set(Object.values(record?.blocks ?? {}));
}
