// The decoder's normalised events onto the protobuf contract (botsky.v1.NetworkEvent), with the
// subject each goes on and the message id that makes a replay a duplicate rather than a copy.
import {
  AccountStatus,
  NetworkEventSchema,
  NetworkSource,
  create,
  networkSubject,
  parseIsoUs,
  type MessageInitShape,
  type NetworkEvent as ProtoEvent,
  type Subject,
} from '@botsky/contracts';
import type { Embed, Facet, NetworkEvent } from '@botsky/firehose';

export type SourceKind = 'firehose' | 'jetstream';

export interface OutgoingEvent {
  subject: Subject;
  msgId: string;
  event: ProtoEvent;
}

type Payload = MessageInitShape<typeof NetworkEventSchema>['payload'];

const ACCOUNT_STATUS: Readonly<Record<string, AccountStatus>> = {
  takendown: AccountStatus.TAKENDOWN,
  suspended: AccountStatus.SUSPENDED,
  deleted: AccountStatus.DELETED,
  deactivated: AccountStatus.DEACTIVATED,
  desynchronized: AccountStatus.DESYNCHRONIZED,
  throttled: AccountStatus.THROTTLED,
};

export function toProto(e: NetworkEvent, source: SourceKind): OutgoingEvent {
  const event = create(NetworkEventSchema, {
    did: e.did,
    uri: 'uri' in e ? e.uri : '',
    cid: 'cid' in e ? e.cid : '',
    rev: e.rev,
    seq: BigInt(e.seq),
    timeUs: BigInt(e.timeUs),
    source: source === 'firehose' ? NetworkSource.FIREHOSE : NetworkSource.JETSTREAM,
    payload: payloadOf(e),
  });
  return { subject: networkSubject(event), msgId: messageId(e), event };
}

/**
 * Records by URI and CID (an update has a new CID, so it is a new event); a delete by URI and the
 * revision that deleted it (the same rkey can be created again later); identity and account
 * events, which have neither, by DID and the source's sequence number.
 */
export function messageId(e: NetworkEvent): string {
  switch (e.kind) {
    case 'identity':
    case 'account':
      return `${e.did}#${e.kind}@${e.seq}`;
    case 'delete':
      return `${e.uri}#delete@${e.rev}`;
    default:
      return `${e.uri}#${e.cid}`;
  }
}

function payloadOf(e: NetworkEvent): Payload {
  switch (e.kind) {
    case 'post':
      return { case: 'post', value: postOf(e) };
    case 'like':
      return { case: 'like', value: { subject: e.subject, createdAtUs: us(e.createdAt) } };
    case 'repost':
      return { case: 'repost', value: { subject: e.subject, createdAtUs: us(e.createdAt) } };
    case 'follow':
      return { case: 'follow', value: { subjectDid: e.subject, createdAtUs: us(e.createdAt) } };
    case 'block':
      return { case: 'block', value: { subjectDid: e.subject, createdAtUs: us(e.createdAt) } };
    case 'listblock':
      return { case: 'listBlock', value: { listUri: e.list, createdAtUs: us(e.createdAt) } };
    case 'listitem':
      return { case: 'listItem', value: { listUri: e.list, subjectDid: e.subject, createdAtUs: us(e.createdAt) } };
    case 'profile':
      return { case: 'profile', value: { displayName: e.displayName ?? '', description: e.description ?? '', selfLabels: e.selfLabels } };
    case 'delete':
      return { case: 'delete', value: { collection: e.collection, rkey: e.uri.slice(e.uri.lastIndexOf('/') + 1) } };
    case 'identity':
      return { case: 'identity', value: { handle: e.handle ?? '' } };
    case 'account':
      return { case: 'account', value: { active: e.active, status: accountStatus(e.active, e.status) } };
  }
}

function postOf(e: Extract<NetworkEvent, { kind: 'post' }>) {
  return {
    text: e.text,
    langs: e.langs,
    ...(e.reply ? { reply: { root: e.reply.root, parent: e.reply.parent } } : {}),
    facets: e.facets.map(facetOf),
    mentions: [...new Set(e.facets.flatMap((f) => (f.type === 'mention' ? [f.did] : [])))],
    ...(e.embed ? { embed: embedOf(e.embed) } : {}),
    tags: e.tags,
    createdAtUs: us(e.createdAt),
    selfLabels: e.selfLabels,
  };
}

function embedOf(e: Embed) {
  return {
    ...(e.record ? { record: e.record } : {}),
    externalUri: e.external?.uri ?? '',
    externalTitle: e.external?.title ?? '',
    externalDescription: e.external?.description ?? '',
    imageAlts: e.imageAlts,
    hasVideo: e.hasVideo,
  };
}

function facetOf(f: Facet) {
  const range = { byteStart: f.byteStart, byteEnd: f.byteEnd };
  if (f.type === 'mention') return { ...range, feature: { case: 'mentionDid' as const, value: f.did } };
  if (f.type === 'link') return { ...range, feature: { case: 'linkUri' as const, value: f.uri } };
  return { ...range, feature: { case: 'tag' as const, value: f.tag } };
}

function accountStatus(active: boolean, status: string | null): AccountStatus {
  if (status === null) return active ? AccountStatus.ACTIVE : AccountStatus.UNSPECIFIED;
  return ACCOUNT_STATUS[status] ?? AccountStatus.UNSPECIFIED;
}

// createdAt is the client's claim: the decoder checked it is a datetime, but 0 is safer than a throw.
function us(iso: string): bigint {
  return parseIsoUs(iso) ?? 0n;
}
