// matchmaker's metrics, created once per context (the kit reuses a series asked for twice).
import type { Counter, Gauge, Metrics } from '@botsky/kit';

export interface MatchmakerMetrics {
  /** Posts by outcome: dispatched, or the reason they were skipped. */
  posts: Counter<'outcome'>;
  tasks: Counter<string>;
  /** Battles by how their pair was drawn (BOTSKY_BATTLE_SAMPLING): uniform or active. */
  battles: Counter<'sampling'>;
  /** Bots whose rating this replica knows (from scoring's rating snapshots). */
  ratedBots: Gauge<string>;
  /** Tasks that go out without a mention because no one fitted. */
  noCandidate: Counter<string>;
  optOuts: Counter<'reason'>;
  /** Network events that could not be used (undecodable, no payload), by reason. */
  badEvents: Counter<'reason'>;
  controlErrors: Counter<string>;
  /** Posts decided before the state follower had read up to them (it lagged more than STATE_WAIT_MS). */
  stateLagging: Counter<string>;
  /** Identity lookups that went to the network, by result (verified, unverified, no_handle, not_found, error). */
  identityLookups: Counter<'result'>;
  /** Reads of a blocked list's members from its owner's PDS, by result (state/list-reader.ts). */
  listReads: Counter<'result'>;
  /** List blocks this replica holds. */
  listBlocks: Gauge<string>;
  /** Members of blocked lists this replica holds, over every list. */
  listMembers: Gauge<string>;
  /** Lists whose members were forgotten to stay within the memory budget (read again when needed). */
  listEvictions: Counter<string>;
  /** People left out of a post's candidates because one side list-blocks a list the other is on. */
  listBlockExclusions: Counter<string>;
}

export function createMatchmakerMetrics(metrics: Metrics): MatchmakerMetrics {
  return {
    posts: metrics.counter({
      name: 'botsky_matchmaker_posts_total',
      help: 'Posts seen, by outcome (dispatched or the skip reason)',
      labelNames: ['outcome'],
    }),
    tasks: metrics.counter({ name: 'botsky_matchmaker_tasks_total', help: 'Reply tasks emitted' }),
    battles: metrics.counter({
      name: 'botsky_matchmaker_battles_total',
      help: 'Posts answered by two bots, by how the pair was drawn',
      labelNames: ['sampling'],
    }),
    ratedBots: metrics.gauge({
      name: 'botsky_matchmaker_rated_bots',
      help: 'Bots whose rating this replica knows, for active battle sampling',
    }),
    noCandidate: metrics.counter({
      name: 'botsky_matchmaker_no_candidate_total',
      help: 'Reply tasks emitted without a mention because no one qualified',
    }),
    optOuts: metrics.counter({
      name: 'botsky_matchmaker_opt_outs_total',
      help: 'People opted out, by reason (block, unfollow, stop)',
      labelNames: ['reason'],
    }),
    controlErrors: metrics.counter({
      name: 'botsky_matchmaker_control_read_errors_total',
      help: 'Failed reads of the bot controls (which bots are paused); the last known pauses stay',
    }),
    badEvents: metrics.counter({
      name: 'botsky_matchmaker_bad_events_total',
      help: 'Network events dead-lettered, by reason',
      labelNames: ['reason'],
    }),
    identityLookups: metrics.counter({
      name: 'botsky_matchmaker_identity_lookups_total',
      help: 'DID lookups that went to the network, by result (a handle is mentioned only when verified)',
      labelNames: ['result'],
    }),
    listReads: metrics.counter({
      name: 'botsky_matchmaker_list_reads_total',
      help: "Reads of a blocked list's members from its owner's PDS, by result (ok, truncated, not_a_list, not_found, no_pds, error)",
      labelNames: ['result'],
    }),
    listBlocks: metrics.gauge({
      name: 'botsky_matchmaker_list_blocks',
      help: 'List blocks (app.bsky.graph.listblock records) this replica holds',
    }),
    listMembers: metrics.gauge({
      name: 'botsky_matchmaker_list_members',
      help: 'Members of blocked lists this replica holds, over every list',
    }),
    listEvictions: metrics.counter({
      name: 'botsky_matchmaker_list_evictions_total',
      help: 'Lists whose members were forgotten to stay within the memory budget',
    }),
    listBlockExclusions: metrics.counter({
      name: 'botsky_matchmaker_list_block_exclusions_total',
      help: "People left out of a post's candidates because one side list-blocks a list the other is on",
    }),
    stateLagging: metrics.counter({
      name: 'botsky_matchmaker_state_lagging_total',
      help: "Posts decided before this replica's state follower had read up to them",
    }),
  };
}
