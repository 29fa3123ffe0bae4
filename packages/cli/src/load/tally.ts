// The exactly-once check of a load test: the population reports every record the PDS accepted
// (URI and CID), ingest's events are counted by URI off the bus, and at the end each written
// record must have arrived exactly once. Events for records the driver never heard of (a batch
// the PDS stored though its answer was lost, then written again) are counted apart.
import { NetworkEventSchema } from '@botsky/contracts';
import { decodeFollowed, type BusMessage } from '@botsky/bus';

/** Record kinds by collection, as ingest names them (its payload case). */
const KIND_OF: Record<string, string> = {
  'app.bsky.feed.post': 'post',
  'app.bsky.feed.like': 'like',
  'app.bsky.feed.repost': 'repost',
  'app.bsky.graph.follow': 'follow',
  'app.bsky.graph.block': 'block',
  'app.bsky.actor.profile': 'profile',
};

export interface TallyReport {
  /** Records the population wrote, by kind. */
  written: Record<string, number>;
  /** Every event ingest published, by kind (records, and identity, account, delete). */
  events: Record<string, number>;
  /** Written records with no event. */
  missing: number;
  /** Events beyond the first for one record. */
  duplicated: number;
  /** Record events for URIs the population did not report writing. */
  unrecorded: number;
  /** Events that did not decode. */
  undecodable: number;
}

function kindOfUri(uri: string): string | undefined {
  return KIND_OF[uri.split('/')[3] ?? ''];
}

function bump(m: Record<string, number>, k: string): void {
  m[k] = (m[k] ?? 0) + 1;
}

export class Tally {
  /** URI → events seen for it; written records start at 0. */
  private readonly written = new Map<string, number>();
  private readonly unknown = new Map<string, number>();
  private readonly byKind: Record<string, number> = {};
  private readonly writtenByKind: Record<string, number> = {};
  private undecodable = 0;
  events = 0;
  firstEventAt = 0;
  lastEventAt = 0;
  /** The most events in one 10-second window (windows from the first event). */
  peakPer10s = 0;
  private windowStart = 0;
  private inWindow = 0;

  recordWritten(records: readonly { uri: string }[]): void {
    for (const { uri } of records) {
      if (this.written.has(uri)) continue;
      // An event may come before the driver hears back from the PDS.
      const early = this.unknown.get(uri) ?? 0;
      this.unknown.delete(uri);
      this.written.set(uri, early);
      bump(this.writtenByKind, kindOfUri(uri) ?? 'other');
    }
  }

  onMessage(msg: BusMessage): void {
    const now = performance.now();
    this.firstEventAt ||= now;
    this.lastEventAt = now;
    this.events++;
    if (now - this.windowStart >= 10_000) {
      this.windowStart = now;
      this.inWindow = 0;
    }
    this.peakPer10s = Math.max(this.peakPer10s, ++this.inWindow);
    const event = decodeFollowed(msg, NetworkEventSchema);
    if (event === undefined) {
      this.undecodable++;
      return;
    }
    const kind = event.payload.case ?? 'unknown';
    bump(this.byKind, kind);
    if (kindOfUri(event.uri) === undefined || kind === 'delete') return;
    const seen = this.written.get(event.uri);
    if (seen !== undefined) this.written.set(event.uri, seen + 1);
    else this.unknown.set(event.uri, (this.unknown.get(event.uri) ?? 0) + 1);
  }

  /** Written records not (yet) seen. */
  pending(): number {
    let n = 0;
    for (const seen of this.written.values()) if (seen === 0) n++;
    return n;
  }

  report(): TallyReport {
    let missing = 0;
    let duplicated = 0;
    for (const seen of this.written.values()) {
      if (seen === 0) missing++;
      else duplicated += seen - 1;
    }
    let unrecorded = 0;
    for (const seen of this.unknown.values()) {
      unrecorded++;
      duplicated += seen - 1;
    }
    return {
      written: { ...this.writtenByKind },
      events: { ...this.byKind },
      missing,
      duplicated,
      unrecorded,
      undecodable: this.undecodable,
    };
  }
}
