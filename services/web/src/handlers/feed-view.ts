// An item of GET /api/feed (types only: the browser client imports this file too).

export interface FeedItemView {
  uri: string;
  cid: string;
  did: string;
  text: string;
  createdAt: string;
  /** The feed's context for the item, sent back with "seen". */
  feedContext: string;
}
