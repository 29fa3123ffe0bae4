// Per-collection record checks and normalisation: the eight collections BotSky keeps.
import { postEvent } from './post.ts';
import {
  type LexMap,
  checkAtUri,
  checkDatetime,
  checkDid,
  checkStrongRef,
  invalid,
  isMap,
  optString,
  selfLabels,
} from './record-fields.ts';
import { isTid } from './syntax.ts';
import type { Collection, RecordEvent, RecordMeta } from './types.ts';

type Normalise = (rec: LexMap, m: RecordMeta) => RecordEvent;

const NORMALISERS: Record<Collection, Normalise> = {
  'app.bsky.feed.post': postEvent,
  'app.bsky.feed.like': (rec, m) => subjectRefEvent('like', rec, m),
  'app.bsky.feed.repost': (rec, m) => subjectRefEvent('repost', rec, m),
  'app.bsky.graph.follow': (rec, m) => subjectDidEvent('follow', rec, m),
  'app.bsky.graph.block': (rec, m) => subjectDidEvent('block', rec, m),
  'app.bsky.graph.listblock': listBlockEvent,
  'app.bsky.graph.listitem': listItemEvent,
  'app.bsky.actor.profile': profileEvent,
};

export const COLLECTIONS: ReadonlySet<string> = new Set(Object.keys(NORMALISERS));

export function isCollection(name: string): name is Collection {
  return COLLECTIONS.has(name);
}

/** Checks a decoded record against its collection's lexicon and normalises it; throws 'invalid-record'. */
export function recordEvent(collection: Collection, rkey: string, value: unknown, m: RecordMeta): RecordEvent {
  if (!isMap(value)) throw invalid('record is not an object');
  if (value.$type !== collection) throw invalid(`$type ${JSON.stringify(value.$type)} in ${collection}`);
  // The lexicons fix the record key: a TID for everything but the profile, which is 'self'.
  if (collection === 'app.bsky.actor.profile' ? rkey !== 'self' : !isTid(rkey)) {
    throw invalid(`record key ${JSON.stringify(rkey)} is not valid for ${collection}`);
  }
  return NORMALISERS[collection](value, m);
}

function subjectRefEvent(kind: 'like' | 'repost', rec: LexMap, m: RecordMeta): RecordEvent {
  const subject = checkStrongRef(rec.subject, 'subject');
  const createdAt = checkDatetime(rec.createdAt, 'createdAt');
  if (rec.via !== undefined) checkStrongRef(rec.via, 'via');
  return { kind, seq: m.seq, did: m.did, rev: m.rev, timeUs: m.timeUs, action: m.action, uri: m.uri, cid: m.cid, subject, createdAt };
}

function subjectDidEvent(kind: 'follow' | 'block', rec: LexMap, m: RecordMeta): RecordEvent {
  const subject = checkDid(rec.subject, 'subject');
  const createdAt = checkDatetime(rec.createdAt, 'createdAt');
  return { kind, seq: m.seq, did: m.did, rev: m.rev, timeUs: m.timeUs, action: m.action, uri: m.uri, cid: m.cid, subject, createdAt };
}

function listBlockEvent(rec: LexMap, m: RecordMeta): RecordEvent {
  const list = checkAtUri(rec.subject, 'subject');
  const createdAt = checkDatetime(rec.createdAt, 'createdAt');
  return {
    kind: 'listblock',
    seq: m.seq,
    did: m.did,
    rev: m.rev,
    timeUs: m.timeUs,
    action: m.action,
    uri: m.uri,
    cid: m.cid,
    list,
    createdAt,
  };
}

function listItemEvent(rec: LexMap, m: RecordMeta): RecordEvent {
  const subject = checkDid(rec.subject, 'subject');
  const list = checkAtUri(rec.list, 'list');
  const createdAt = checkDatetime(rec.createdAt, 'createdAt');
  return {
    kind: 'listitem',
    seq: m.seq,
    did: m.did,
    rev: m.rev,
    timeUs: m.timeUs,
    action: m.action,
    uri: m.uri,
    cid: m.cid,
    list,
    subject,
    createdAt,
  };
}

function profileEvent(rec: LexMap, m: RecordMeta): RecordEvent {
  const displayName = optString(rec, 'displayName', 640, 64);
  const description = optString(rec, 'description', 2560, 256);
  if (rec.createdAt !== undefined) checkDatetime(rec.createdAt, 'createdAt');
  return {
    kind: 'profile',
    seq: m.seq,
    did: m.did,
    rev: m.rev,
    timeUs: m.timeUs,
    action: m.action,
    uri: m.uri,
    cid: m.cid,
    displayName,
    description,
    selfLabels: selfLabels(rec),
  };
}
