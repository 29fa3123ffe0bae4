// app.bsky.feed.post#embed: the open union of images, video, gallery, external link card, quoted
// record and record-with-media. Only what describes the content is kept (alt texts, the link
// card, the quoted record); blobs are checked for shape and dropped.
import { CidLink } from './cid.ts';
import { type LexMap, checkArray, checkMap, checkString, checkStrongRef, invalid, isMap } from './record-fields.ts';
import { isCidString, isUri } from './syntax.ts';
import type { Embed } from './types.ts';

// The lexicons put no limit on alt texts and card fields; the record limit (100 KiB) bounds them.
const ANY = Number.MAX_SAFE_INTEGER;

export function postEmbed(v: unknown): Embed | null {
  const embed = emptyEmbed();
  const known = member(checkMap(v, 'embed'), 'embed', embed, true);
  return known ? embed : null;
}

function emptyEmbed(): Embed {
  return { record: null, external: null, imageAlts: [], hasVideo: false };
}

/** Reads one union member into `out`; false for a $type this code does not know (open union). */
function member(m: LexMap, field: string, out: Embed, withRecord: boolean): boolean {
  switch (m.$type) {
    case 'app.bsky.embed.images':
      out.imageAlts = checkArray(m.images, `${field}.images`, 4).map((x, i) => image(x, `${field}.images[${i}]`));
      return true;
    case 'app.bsky.embed.gallery':
      out.imageAlts = galleryAlts(m, field);
      return true;
    case 'app.bsky.embed.video':
      checkBlob(m.video, `${field}.video`);
      if (m.alt !== undefined) checkString(m.alt, `${field}.alt`, ANY);
      out.hasVideo = true;
      return true;
    case 'app.bsky.embed.external':
      out.external = external(m.external, `${field}.external`);
      return true;
    case 'app.bsky.embed.record':
      if (!withRecord) return false;
      out.record = checkStrongRef(m.record, `${field}.record`);
      return true;
    case 'app.bsky.embed.recordWithMedia': {
      if (!withRecord) return false;
      // `record` is an app.bsky.embed.record object (a ref, so its $type is optional).
      out.record = checkStrongRef(checkMap(m.record, `${field}.record`).record, `${field}.record.record`);
      // The media union is open too: unknown media still leaves the quoted record.
      member(checkMap(m.media, `${field}.media`), `${field}.media`, out, false);
      return true;
    }
    default:
      if (typeof m.$type !== 'string') throw invalid(`${field} has no $type`);
      return false;
  }
}

function image(v: unknown, field: string): string {
  const img = checkMap(v, field);
  checkBlob(img.image, `${field}.image`);
  return checkString(img.alt, `${field}.alt`, ANY);
}

function galleryAlts(m: LexMap, field: string): string[] {
  const items = checkArray(m.items, `${field}.items`, 20);
  const alts: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = checkMap(items[i], `${field}.items[${i}]`);
    if (item.$type === 'app.bsky.embed.gallery#image') alts.push(image(item, `${field}.items[${i}]`));
    else if (typeof item.$type !== 'string') throw invalid(`${field}.items[${i}] has no $type`);
  }
  return alts;
}

function external(v: unknown, field: string): NonNullable<Embed['external']> {
  const card = checkMap(v, field);
  const uri = card.uri;
  if (typeof uri !== 'string' || !isUri(uri)) throw invalid(`${field}.uri is not a URI`);
  const title = checkString(card.title, `${field}.title`, ANY);
  const description = checkString(card.description, `${field}.description`, ANY);
  if (card.thumb !== undefined) checkBlob(card.thumb, `${field}.thumb`);
  return { uri, title, description };
}

/**
 * A blob: `{$type: 'blob', ref, mimeType, size}` with ref a CID link (DAG-CBOR tag 42, or
 * `{$link}` in JSON), or the legacy `{cid, mimeType}`.
 */
function checkBlob(v: unknown, field: string): void {
  const blob = checkMap(v, field);
  if (typeof blob.mimeType !== 'string') throw invalid(`${field}.mimeType is not a string`);
  if (blob.$type === undefined && typeof blob.cid === 'string' && isCidString(blob.cid)) return;
  if (blob.$type !== 'blob') throw invalid(`${field} is not a blob`);
  const ref = blob.ref;
  if (!(ref instanceof CidLink) && !(isMap(ref) && typeof ref.$link === 'string' && isCidString(ref.$link))) {
    throw invalid(`${field}.ref is not a CID link`);
  }
  if (typeof blob.size !== 'number' || !Number.isSafeInteger(blob.size) || blob.size < 0) throw invalid(`${field}.size is not an integer`);
}
