// Test oracle: what @atproto/sync makes of a frame (its own CBOR decoding and parseCommit), turned
// into the fields @botsky/firehose should produce. Records are read straight from the reference's
// decoded record, so a field this package mis-reads shows up as a difference.
import { parseCommitUnauthenticated, type CommitEvt } from '@atproto/sync';
import { Frame } from '@atproto/xrpc-server';

// biome-ignore lint/suspicious/noExplicitAny: the reference decoder's records have no static shape
type Rec = Record<string, any>;

const KINDS: Record<string, string> = {
  'app.bsky.feed.post': 'post',
  'app.bsky.feed.like': 'like',
  'app.bsky.feed.repost': 'repost',
  'app.bsky.graph.follow': 'follow',
  'app.bsky.graph.block': 'block',
  'app.bsky.graph.listblock': 'listblock',
  'app.bsky.graph.listitem': 'listitem',
  'app.bsky.actor.profile': 'profile',
};

/** The reference's view of one frame: commit ops of kept collections, identity and account events. */
export async function referenceEvents(bytes: Uint8Array): Promise<Rec[]> {
  const frame = Frame.fromBytes(bytes);
  if (!frame.isMessage()) return [];
  const body = frame.body as Rec;
  switch (frame.type) {
    case '#commit': {
      const evts = await parseCommitUnauthenticated(body as never, (c) => c in KINDS);
      return evts.map(expected);
    }
    case '#identity':
      return [{ kind: 'identity', seq: body.seq, did: body.did, handle: body.handle ?? null }];
    case '#account':
      return [{ kind: 'account', seq: body.seq, did: body.did, active: body.active, status: body.status ?? null }];
    default:
      return [];
  }
}

function expected(evt: CommitEvt): Rec {
  const base = { seq: evt.seq, did: evt.did, rev: evt.rev, uri: evt.uri.toString() };
  if (evt.event === 'delete') return { kind: 'delete', ...base, collection: evt.collection };
  const r = evt.record as Rec;
  const rec = { kind: KINDS[evt.collection], ...base, action: evt.event, cid: evt.cid.toString() };
  switch (evt.collection) {
    case 'app.bsky.feed.post':
      return {
        ...rec,
        text: r.text,
        langs: r.langs ?? [],
        reply: r.reply ? { root: ref(r.reply.root), parent: ref(r.reply.parent) } : null,
        facets: (r.facets ?? []).flatMap(facet),
        embed: r.embed ? embed(r.embed) : null,
        tags: r.tags ?? [],
        selfLabels: labels(r),
        createdAt: r.createdAt,
      };
    case 'app.bsky.feed.like':
    case 'app.bsky.feed.repost':
      return { ...rec, subject: ref(r.subject), createdAt: r.createdAt };
    case 'app.bsky.graph.follow':
    case 'app.bsky.graph.block':
      return { ...rec, subject: r.subject, createdAt: r.createdAt };
    case 'app.bsky.graph.listblock':
      return { ...rec, list: r.subject, createdAt: r.createdAt };
    case 'app.bsky.graph.listitem':
      return { ...rec, list: r.list, subject: r.subject, createdAt: r.createdAt };
    default:
      return { ...rec, displayName: r.displayName ?? null, description: r.description ?? null, selfLabels: labels(r) };
  }
}

const ref = (v: Rec) => ({ uri: v.uri, cid: v.cid });

function embed(e: Rec): Rec | null {
  const out: Rec = { record: null, external: null, imageAlts: [], hasVideo: false };
  const media = (m: Rec): boolean => {
    if (m.$type === 'app.bsky.embed.images') out.imageAlts = m.images.map((i: Rec) => i.alt);
    else if (m.$type === 'app.bsky.embed.gallery')
      out.imageAlts = m.items.filter((i: Rec) => i.$type === 'app.bsky.embed.gallery#image').map((i: Rec) => i.alt);
    else if (m.$type === 'app.bsky.embed.video') out.hasVideo = true;
    else if (m.$type === 'app.bsky.embed.external')
      out.external = { uri: m.external.uri, title: m.external.title, description: m.external.description };
    else return false;
    return true;
  };
  if (e.$type === 'app.bsky.embed.record') out.record = ref(e.record);
  else if (e.$type === 'app.bsky.embed.recordWithMedia') {
    out.record = ref(e.record.record);
    media(e.media);
  } else if (!media(e)) return null;
  return out;
}

function facet(f: Rec): Rec[] {
  const { byteStart, byteEnd } = f.index;
  return f.features.map((x: Rec) => {
    const type = x.$type.split('#')[1];
    const value = type === 'mention' ? { did: x.did } : type === 'link' ? { uri: x.uri } : { tag: x.tag };
    return { byteStart, byteEnd, type, ...value };
  });
}

function labels(r: Rec): string[] {
  return r.labels?.$type === 'com.atproto.label.defs#selfLabels' ? r.labels.values.map((v: Rec) => v.val) : [];
}

/** The fields of a decoded event that the reference can speak to. */
export function comparable(e: Rec): Rec {
  const { timeUs: _t, ...rest } = e;
  if (rest.kind === 'identity' || rest.kind === 'account') delete rest.rev;
  return rest;
}
