// Every NATS subject, stream and durable consumer name BotSky uses, in one place.
// Payloads are the protobuf messages of proto/botsky/v1 (binary encoding).

export const STREAMS = {
  /** What ingest publishes from the network: posts, likes, reposts, follows, blocks, ... */
  network: 'BOTSKY_NETWORK',
  /** Reply tasks from matchmaker to bot-runner, and matchmaker's decisions. */
  tasks: 'BOTSKY_TASKS',
  /** What bot-runner did: replied or failed. */
  outcomes: 'BOTSKY_OUTCOMES',
  /** What the feed served (impressions) and what clients said they saw (interactions). */
  feed: 'BOTSKY_FEED',
  /** Battle outcomes and rating snapshots from scoring. */
  scores: 'BOTSKY_SCORES',
  /** Poison messages, kept with the reason they were rejected. */
  deadLetter: 'BOTSKY_DLQ',
} as const;

export const SUBJECTS = {
  networkPost: 'botsky.network.post',
  networkLike: 'botsky.network.like',
  networkRepost: 'botsky.network.repost',
  networkFollow: 'botsky.network.follow',
  networkBlock: 'botsky.network.block',
  networkDelete: 'botsky.network.delete',
  networkProfile: 'botsky.network.profile',
  networkAccount: 'botsky.network.account',
  networkIdentity: 'botsky.network.identity',
  // List blocks and list items get subjects of their own, as every payload kind does, rather than
  // riding on networkBlock: what that subject carries names the blocked account, a list block names
  // a list (whose members come from the list owner's listitem records), and whoever counts blocks
  // (scoring's harm figures: blocks of a bot) must not count a list subscription as one.
  networkListBlock: 'botsky.network.listblock',
  networkListItem: 'botsky.network.listitem',
  replyTask: 'botsky.tasks.reply',
  matchDecision: 'botsky.tasks.decision',
  botOutcome: 'botsky.outcomes.reply',
  /** One LlmCall per gateway request that reached an upstream (usage, cost, latency, outcome). */
  llmCall: 'botsky.outcomes.llm',
  /** One ImpressionPage per getFeedSkeleton response (what the feed publishes). */
  feedImpressionPage: 'botsky.feed.page',
  feedInteraction: 'botsky.feed.interaction',
  battleOutcome: 'botsky.scores.battle',
  ratingSnapshot: 'botsky.scores.rating',
} as const;

/** Subject filters, one per stream (wildcards). */
export const STREAM_SUBJECTS = {
  [STREAMS.network]: 'botsky.network.>',
  [STREAMS.tasks]: 'botsky.tasks.>',
  [STREAMS.outcomes]: 'botsky.outcomes.>',
  [STREAMS.feed]: 'botsky.feed.>',
  [STREAMS.scores]: 'botsky.scores.>',
  [STREAMS.deadLetter]: 'botsky.dlq.>',
} as const;

/** Dead letters of a consumer go to `botsky.dlq.<consumer>`. */
export function deadLetterSubject(consumer: string): string {
  return `botsky.dlq.${consumer}`;
}

/** NATS KV buckets for small shared state. */
export const KV_BUCKETS = {
  /** ingest's firehose cursor, per source. */
  cursors: 'botsky_cursors',
  /** consent state per person (opted in / out), shared by matchmaker replicas. */
  consent: 'botsky_consent',
  /** mention counters per person per day. */
  mentions: 'botsky_mentions',
  /** the bot roster (bot id → DID, handle, model, provider), written by bot-runner at start-up. */
  bots: 'botsky_bots',
  /** matchmaker's decision per post (first replica to create it wins; replays re-publish it). */
  decisions: 'botsky_decisions',
  /** operators' switches for the bots (which are paused), written by `botsky bots`; see bot-controls.ts. */
  controls: 'botsky_controls',
  /** bot-runner's write- and login-budget ledgers, one key per account each, shared by every replica. */
  budgets: 'botsky_budgets',
  /** the web app's atproto OAuth sessions (sealed), one key per person's DID, shared by every web replica. */
  webSessions: 'botsky_web_sessions',
  /** the web app's OAuth authorizations in progress (sealed), one key per state; minutes long. */
  webOAuthStates: 'botsky_web_oauth_states',
  /** seasons (name -> window, and its frozen leaderboard once ended); see seasons.ts. */
  seasons: 'botsky_seasons',
  /** the LLM gateway's API keys (hashed, with their limits), one key per key id; see services/gateway. */
  gatewayKeys: 'botsky_gateway_keys',
  /** the gateway's usage ledgers (requests a minute, tokens a day, spend), one key per API key, shared by every replica. */
  gatewayUsage: 'botsky_gateway_usage',
  /** self-service bots (sealed secrets, state, sandbox report), one key per bot id; see bot-registry.ts. */
  registry: 'botsky_bot_registry',
  /** the bots' Bluesky sessions (sealed), one key per bot id, shared by every bot-runner replica so each bot logs in once. */
  botSessions: 'botsky_bot_sessions',
} as const;

export type Subject = (typeof SUBJECTS)[keyof typeof SUBJECTS];
export type StreamName = (typeof STREAMS)[keyof typeof STREAMS];
