// The normalised network events @botsky/firehose produces, from either source. Plain data, so the
// ingest service can map them one to one onto the protobuf contracts.

/** The record collections BotSky keeps; every other collection is counted as ignored. */
export type Collection =
  | 'app.bsky.feed.post'
  | 'app.bsky.feed.like'
  | 'app.bsky.feed.repost'
  | 'app.bsky.graph.follow'
  | 'app.bsky.graph.block'
  | 'app.bsky.graph.listblock'
  | 'app.bsky.graph.listitem'
  | 'app.bsky.actor.profile';

/**
 * Where an event sits in its source. `seq` is the source's cursor: the relay sequence number for the
 * firehose, `time_us` for Jetstream. `rev` is the repo revision ('' for identity and account
 * events, which have none). `timeUs` is when the source emitted the event, in microseconds since
 * the Unix epoch.
 */
export interface EventMeta {
  seq: number;
  did: string;
  rev: string;
  timeUs: number;
}

export interface StrongRef {
  uri: string;
  cid: string;
}

export interface ReplyRef {
  root: StrongRef;
  parent: StrongRef;
}

/** One facet feature with its UTF-8 byte range in the post text (end exclusive). */
export type Facet =
  | { byteStart: number; byteEnd: number; type: 'mention'; did: string }
  | { byteStart: number; byteEnd: number; type: 'link'; uri: string }
  | { byteStart: number; byteEnd: number; type: 'tag'; tag: string };

/** Common to events that carry a record. */
export interface RecordMeta extends EventMeta {
  action: 'create' | 'update';
  uri: string;
  cid: string;
}

/** What a post embeds; blobs are not kept. */
export interface Embed {
  /** The quoted record (app.bsky.embed.record, or the record of recordWithMedia). */
  record: StrongRef | null;
  /** The link card (app.bsky.embed.external). */
  external: { uri: string; title: string; description: string } | null;
  /** Alt text of each image (images or gallery), '' when the author wrote none. */
  imageAlts: string[];
  hasVideo: boolean;
}

export interface PostEvent extends RecordMeta {
  kind: 'post';
  text: string;
  langs: string[];
  reply: ReplyRef | null;
  facets: Facet[];
  /** null when the post embeds nothing, or only a kind of embed this decoder does not know. */
  embed: Embed | null;
  /** The record's `tags` (hashtags beside the text's tag facets), as written. */
  tags: string[];
  selfLabels: string[];
  createdAt: string;
}

export interface LikeEvent extends RecordMeta {
  kind: 'like';
  subject: StrongRef;
  createdAt: string;
}

export interface RepostEvent extends RecordMeta {
  kind: 'repost';
  subject: StrongRef;
  createdAt: string;
}

export interface FollowEvent extends RecordMeta {
  kind: 'follow';
  /** The followed account's DID. */
  subject: string;
  createdAt: string;
}

export interface BlockEvent extends RecordMeta {
  kind: 'block';
  /** The blocked account's DID. */
  subject: string;
  createdAt: string;
}

/** A list block: the author blocks every member of the list (the list owner's listitem records). */
export interface ListBlockEvent extends RecordMeta {
  kind: 'listblock';
  /** The blocked list's at:// URI (an app.bsky.graph.list record). */
  list: string;
  createdAt: string;
}

/** A list item: the author, the list's owner, puts an account on one of their lists. */
export interface ListItemEvent extends RecordMeta {
  kind: 'listitem';
  /** The list's at:// URI. */
  list: string;
  /** The DID of the account put on the list. */
  subject: string;
  createdAt: string;
}

export interface ProfileEvent extends RecordMeta {
  kind: 'profile';
  displayName: string | null;
  description: string | null;
  selfLabels: string[];
}

export interface DeleteEvent extends EventMeta {
  kind: 'delete';
  uri: string;
  collection: Collection;
}

/** The handle is as the source claims it, not verified by resolution. */
export interface IdentityEvent extends EventMeta {
  kind: 'identity';
  handle: string | null;
}

export interface AccountEvent extends EventMeta {
  kind: 'account';
  active: boolean;
  /** Why the account is inactive (takendown, suspended, deleted, deactivated, ...), if given. */
  status: string | null;
}

export type RecordEvent = PostEvent | LikeEvent | RepostEvent | FollowEvent | BlockEvent | ListBlockEvent | ListItemEvent | ProfileEvent;
export type NetworkEvent = RecordEvent | DeleteEvent | IdentityEvent | AccountEvent;

export type RejectReason =
  /** The input ends in the middle of a value, a CAR section or a frame. */
  | 'truncated'
  /** Not DAG-CBOR (or not JSON, for Jetstream), or not a CAR file. */
  | 'garbled'
  /** A frame over maxFrameBytes or a record over maxRecordBytes. */
  | 'oversized'
  /** Well-formed, but not a subscribeRepos message (or Jetstream event): a field missing or mistyped. */
  | 'invalid-frame'
  /** A record that fails its lexicon's structural checks. */
  | 'invalid-record'
  /** An op whose record block is not in the commit's CAR. */
  | 'missing-block'
  /** The commit signature does not verify against the account's key. */
  | 'bad-signature'
  /** A block whose bytes do not hash to its CID, or an op the commit's MST does not prove. */
  | 'bad-proof'
  /** No signing key could be found for the account. */
  | 'unknown-key'
  /** A message type (`t`, or Jetstream `kind`) this decoder does not know. */
  | 'unknown-type'
  /** A frame header op other than 1 (message) or -1 (error). */
  | 'unknown-op';

export interface Rejection {
  reason: RejectReason;
  detail: string;
  /** The frame's sequence number, when the frame got far enough to tell. */
  seq: number | null;
  did: string | null;
  /** Set when one record of a commit is rejected and the rest of the frame is kept. */
  uri: string | null;
}

/** A message from the server about the stream itself: an #info frame or an error frame (op -1). */
export interface Notice {
  kind: 'info' | 'error';
  name: string;
  message: string | null;
}

export interface Decoded {
  ok: true;
  seq: number | null;
  events: NetworkEvent[];
  /** Ops in collections BotSky does not keep, and messages it does not use (such as #sync). */
  ignored: number;
  /** Records rejected one by one; the rest of the frame is in `events`. */
  rejected: Rejection[];
  notice: Notice | null;
}

export interface Rejected extends Rejection {
  ok: false;
}

export type DecodeResult = Decoded | Rejected;

export interface DecodeOptions {
  /** Frames (or Jetstream messages) above this many bytes are rejected unread. Default 5 MiB. */
  maxFrameBytes?: number;
  /** Record blocks above this many bytes are rejected undecoded. Default 100 KiB. */
  maxRecordBytes?: number;
}
