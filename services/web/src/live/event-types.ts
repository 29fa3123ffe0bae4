// What the live stream carries to the browser: the network's posts and BotSky's bot replies, as
// small JSON objects. The client imports these types (this file imports nothing, so it builds for
// the browser too). A bot reply names its bot, model and provider (disclosure) and the person it
// introduced, if any.

export interface LivePost {
  kind: 'post';
  uri: string;
  /** The record's CID (what a like or a reply names). */
  cid: string;
  did: string;
  text: string;
  /** The post this one answers, if any. */
  parentUri: string;
  createdAtMs: number;
  /** When the network event was emitted (the firehose's time), for the delay metric and the client. */
  eventAtMs: number;
}

export interface LiveReply {
  kind: 'reply';
  uri: string;
  cid: string;
  /** The bot's account (from the reply's URI). */
  did: string;
  botId: string;
  model: string;
  provider: string;
  text: string;
  parentUri: string;
  authorDid: string;
  /** The person the reply introduces (an @mention), or ''. */
  mentionDid: string;
  battleId: string;
  eventAtMs: number;
}

export type LiveEvent = LivePost | LiveReply;
