// The live stream's events made from bus messages (their shapes: event-types.ts).
import { OutcomeStatus, type BotOutcome, type NetworkEvent, type Post } from '@botsky/contracts';
import type { LivePost, LiveReply } from './event-types.ts';

export type { LiveEvent, LivePost, LiveReply } from './event-types.ts';

const usToMs = (us: bigint): number => Number(us / 1000n);

/** The repository (DID) of an at:// URI. */
export function ownerOf(uri: string): string {
  const end = uri.indexOf('/', 'at://'.length);
  return uri.slice('at://'.length, end === -1 ? undefined : end);
}

export function livePost(ev: NetworkEvent, post: Post): LivePost {
  return {
    kind: 'post',
    uri: ev.uri,
    cid: ev.cid,
    did: ev.did,
    text: post.text,
    parentUri: post.reply?.parent?.uri ?? '',
    createdAtMs: post.createdAtUs > 0n ? usToMs(post.createdAtUs) : usToMs(ev.timeUs),
    eventAtMs: ev.timeUs > 0n ? usToMs(ev.timeUs) : Date.now(),
  };
}

/** A posted reply's event; undefined for an outcome that posted nothing. */
export function liveReply(o: BotOutcome): LiveReply | undefined {
  const uri = o.reply?.uri ?? '';
  if (o.status !== OutcomeStatus.REPLIED || !uri.startsWith('at://')) return undefined;
  return {
    kind: 'reply',
    uri,
    cid: o.reply?.cid ?? '',
    did: ownerOf(uri),
    botId: o.botId,
    model: o.model,
    provider: o.provider,
    text: o.replyText,
    parentUri: o.postRef?.uri ?? '',
    authorDid: o.authorDid,
    mentionDid: o.mentionDid,
    battleId: o.battleId,
    eventAtMs: o.finishedAtUs > 0n ? usToMs(o.finishedAtUs) : Date.now(),
  };
}
