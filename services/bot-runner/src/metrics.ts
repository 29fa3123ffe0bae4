// bot-runner's metrics (the kit's registry; the `service` label is added there).
import type { Metrics } from '@botsky/kit';

export function createBotRunnerMetrics(metrics: Metrics) {
  return {
    replies: metrics.counter({
      name: 'botsky_botrunner_replies_total',
      help: 'Reply tasks finished, by bot and status (replied, failed reason, duplicate)',
      labelNames: ['bot', 'status'],
    }),
    postToReply: metrics.histogram({
      name: 'botsky_botrunner_post_to_reply_seconds',
      help: "From the person's post (its createdAt) to the bot's reply being posted, by bot",
      labelNames: ['bot'],
      buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600],
    }),
    modelErrors: metrics.counter({
      name: 'botsky_botrunner_model_errors_total',
      help: 'Failed model calls (retried ones too), by bot and reason (timeout, rate-limited, server-error, ...)',
      labelNames: ['bot', 'reason'],
    }),
    llmLatency: metrics.histogram({
      name: 'botsky_botrunner_llm_latency_seconds',
      help: 'Time to generate a reply (all attempts)',
      labelNames: ['provider'],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    }),
    tokens: metrics.counter({
      name: 'botsky_botrunner_tokens_total',
      help: 'Tokens used, by bot and direction (in, out)',
      labelNames: ['bot', 'direction'],
    }),
    cost: metrics.counter({ name: 'botsky_botrunner_cost_usd_total', help: 'Generation cost in USD, by bot', labelNames: ['bot'] }),
    budget: metrics.gauge({
      name: 'botsky_botrunner_budget_used_points',
      help: 'Write-budget points spent in the sliding window, by account and window (hour, day)',
      labelNames: ['account', 'window'],
    }),
    budgetLimit: metrics.gauge({
      name: 'botsky_botrunner_budget_limit_points',
      help: 'Write-budget points an account may spend per window (hour, day), as configured',
      labelNames: ['window'],
    }),
    budgetWaits: metrics.counter({
      name: 'botsky_botrunner_budget_waits_total',
      help: 'Tasks put back because the account had no write budget left',
      labelNames: ['bot'],
    }),
    redeliveries: metrics.counter({
      name: 'botsky_botrunner_task_redeliveries_total',
      help: 'Reply tasks delivered again (a replica died or put it back), by bot',
      labelNames: ['bot'],
    }),
    sessions: metrics.counter({
      name: 'botsky_botrunner_session_events_total',
      help: 'Bot account session events: create (a login), update (a token refresh), expired, create-failed, network-error',
      labelNames: ['bot', 'event'],
    }),
    loginWaits: metrics.counter({
      name: 'botsky_botrunner_login_waits_total',
      help: "Times a replica waited to log a bot in because its account's login budget was spent, by bot",
      labelNames: ['bot'],
    }),
    paused: metrics.counter({
      name: 'botsky_botrunner_paused_tasks_total',
      help: 'Reply tasks not answered because their bot was paused (botsky bots pause), by bot',
      labelNames: ['bot'],
    }),
    controlErrors: metrics.counter({
      name: 'botsky_botrunner_control_read_errors_total',
      help: 'Failed reads of the bot controls (which bots are paused)',
    }),
    mentionsDropped: metrics.counter({
      name: 'botsky_botrunner_mentions_dropped_total',
      help: 'Chosen people left unmentioned because their handle no longer verified, by bot',
      labelNames: ['bot', 'reason'],
    }),
    moderationRejected: metrics.counter({
      name: 'botsky_botrunner_moderation_rejected_total',
      help: 'Replies moderation kept from being posted, by bot and reason (slur, threat, harassment, dehumanising, personal_data, <provider>:<category>, moderation_unavailable)',
      labelNames: ['bot', 'reason'],
    }),
    rejected: metrics.counter({
      name: 'botsky_botrunner_bad_tasks_total',
      help: 'Tasks that could never be handled (undecodable, unknown bot), dead-lettered',
      labelNames: ['reason'],
    }),
    registryBots: metrics.gauge({
      name: 'botsky_botrunner_registry_bots',
      help: 'Self-service bots in the registry (botsky bots add), by state (sandbox, live, failed) and whether this replica runs them (loaded)',
      labelNames: ['state'],
    }),
    registryEvents: metrics.counter({
      name: 'botsky_botrunner_registry_events_total',
      help: 'Registry changes this replica acted on: loaded, unloaded, load_failed, sandbox_passed, sandbox_failed, read_failed, invalid, task_put_back (a task for a registered bot not started here yet)',
      labelNames: ['event'],
    }),
    sharedSessions: metrics.counter({
      name: 'botsky_botrunner_shared_sessions_total',
      help: "Bot sessions through the shared store: resumed (another replica's login), saved, resume_failed (logged in afresh), save_failed, waited (for another replica's login)",
      labelNames: ['event'],
    }),
  };
}

export type BotRunnerMetrics = ReturnType<typeof createBotRunnerMetrics>;
