// app.bsky.feed.post: the fields BotSky reads, checked against the lexicon's types and limits.
import {
  type LexMap,
  checkArray,
  checkDatetime,
  checkDid,
  checkInteger,
  checkMap,
  checkString,
  checkStrongRef,
  invalid,
  selfLabels,
} from './record-fields.ts';
import { postEmbed } from './embed.ts';
import { isLanguage, isUri, utf8Length } from './syntax.ts';
import type { Facet, PostEvent, RecordMeta, ReplyRef } from './types.ts';

export function postEvent(rec: LexMap, m: RecordMeta): PostEvent {
  const text = checkString(rec.text, 'text', 3000, 300);
  const createdAt = checkDatetime(rec.createdAt, 'createdAt');
  return {
    kind: 'post',
    seq: m.seq,
    did: m.did,
    rev: m.rev,
    timeUs: m.timeUs,
    action: m.action,
    uri: m.uri,
    cid: m.cid,
    text,
    langs: rec.langs === undefined ? [] : languages(rec.langs),
    reply: rec.reply === undefined ? null : replyRef(rec.reply),
    facets: rec.facets === undefined ? [] : facets(rec.facets, text),
    embed: rec.embed === undefined ? null : postEmbed(rec.embed),
    tags: rec.tags === undefined ? [] : tags(rec.tags),
    selfLabels: selfLabels(rec),
    createdAt,
  };
}

function languages(v: unknown): string[] {
  const langs = checkArray(v, 'langs', 3);
  for (let i = 0; i < langs.length; i++) {
    const lang = langs[i];
    if (typeof lang !== 'string' || !isLanguage(lang)) throw invalid(`langs[${i}] is not a language tag`);
  }
  return langs as string[];
}

function tags(v: unknown): string[] {
  const list = checkArray(v, 'tags', 8);
  for (let i = 0; i < list.length; i++) checkString(list[i], `tags[${i}]`, 640, 64);
  return list as string[];
}

function replyRef(v: unknown): ReplyRef {
  const reply = checkMap(v, 'reply');
  return { root: checkStrongRef(reply.root, 'reply.root'), parent: checkStrongRef(reply.parent, 'reply.parent') };
}

function facets(v: unknown, text: string): Facet[] {
  const list = checkArray(v, 'facets', Number.MAX_SAFE_INTEGER);
  const out: Facet[] = [];
  if (list.length === 0) return out;
  const textBytes = utf8Length(text);
  for (let i = 0; i < list.length; i++) {
    const facet = checkMap(list[i], `facets[${i}]`);
    const index = checkMap(facet.index, `facets[${i}].index`);
    const byteStart = checkInteger(index.byteStart, `facets[${i}].index.byteStart`, 0);
    const byteEnd = checkInteger(index.byteEnd, `facets[${i}].index.byteEnd`, 0);
    // The lexicon only asks for non-negative integers; a range outside the text would point a
    // mention or link at the wrong words, so it is rejected here.
    if (byteStart > byteEnd || byteEnd > textBytes) {
      throw invalid(`facets[${i}] range ${byteStart}..${byteEnd} is outside the ${textBytes}-byte text`);
    }
    const features = checkArray(facet.features, `facets[${i}].features`, Number.MAX_SAFE_INTEGER);
    for (let j = 0; j < features.length; j++) {
      const f = feature(features[j], `facets[${i}].features[${j}]`, byteStart, byteEnd);
      if (f !== null) out.push(f);
    }
  }
  return out;
}

function feature(v: unknown, field: string, byteStart: number, byteEnd: number): Facet | null {
  const f = checkMap(v, field);
  switch (f.$type) {
    case 'app.bsky.richtext.facet#mention':
      return { byteStart, byteEnd, type: 'mention', did: checkDid(f.did, `${field}.did`) };
    case 'app.bsky.richtext.facet#link': {
      const uri = f.uri;
      if (typeof uri !== 'string' || !isUri(uri)) throw invalid(`${field}.uri is not a URI`);
      return { byteStart, byteEnd, type: 'link', uri };
    }
    case 'app.bsky.richtext.facet#tag':
      return { byteStart, byteEnd, type: 'tag', tag: checkString(f.tag, `${field}.tag`, 640, 64) };
    default:
      // The union is open: an unknown feature type is skipped, but a union member needs a $type.
      if (typeof f.$type !== 'string') throw invalid(`${field} has no $type`);
      return null;
  }
}
