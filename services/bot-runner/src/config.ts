// bot-runner's variables: the ones every service reads, then its own (one line each).
// The bot registry file is read here too (it names environment variables holding the bots'
// secrets), so that no other module reads process.env.
import { identityConfigSpec } from '@botsky/identity';
import { REGISTRY_POLL_MS } from '@botsky/contracts';
import { commonConfigSpec, duration, int, secret, string, url, type ConfigOf, type Env } from '@botsky/kit';
import { BLUESKY_LIMITS, BLUESKY_LOGIN_LIMITS, DEFAULT_SHARE } from './budget/ledger.ts';
import { moderationConfigSpec } from './moderation/config.ts';
import { loadRegistryFile, type BotEntry } from './registry/load.ts';

const share = (limit: number) => Math.floor(limit * DEFAULT_SHARE);

export const botRunnerConfigSpec = {
  ...commonConfigSpec,
  // The chosen person's handle, verified again before it is written (packages/identity).
  ...identityConfigSpec,
  botsFile: string('BOTSKY_BOTS_FILE').optional(),
  pdsUrl: url('BOTSKY_PDS_URL', { protocols: ['http', 'https'] }).default('https://bsky.social'),
  // Profiles and recent posts from this AppView (e.g. https://public.api.bsky.app) instead of each person's PDS.
  appviewUrl: url('BOTSKY_APPVIEW_URL', { protocols: ['http', 'https'] }).optional(),
  // Model calls take seconds: 32 in flight keeps a replica busy without a burst exhausting a provider's limits.
  concurrency: int('BOTSKY_RUNNER_CONCURRENCY', { min: 1, max: 1000 }).default(32),
  // Per bot account, across replicas: 80% of Bluesky's published limits by default, at most all of them.
  budgetHour: int('BOTSKY_BUDGET_HOUR_POINTS', { min: 3, max: BLUESKY_LIMITS.hour }).default(share(BLUESKY_LIMITS.hour)),
  budgetDay: int('BOTSKY_BUDGET_DAY_POINTS', { min: 3, max: BLUESKY_LIMITS.day }).default(share(BLUESKY_LIMITS.day)),
  loginFiveMinutes: int('BOTSKY_LOGIN_BUDGET_5M', { min: 1, max: BLUESKY_LOGIN_LIMITS.fiveMinutes }).default(
    share(BLUESKY_LOGIN_LIMITS.fiveMinutes),
  ),
  loginDay: int('BOTSKY_LOGIN_BUDGET_DAY', { min: 1, max: BLUESKY_LOGIN_LIMITS.day }).default(share(BLUESKY_LOGIN_LIMITS.day)),
  ackWaitMs: duration('BOTSKY_RUNNER_ACK_WAIT', { min: 1000, max: 600_000 }).optional(),
  secretsDir: string('BOTSKY_SECRETS_DIR').default('/var/run/secrets/botsky'),
  // Self-service bots (botsky bots add) and shared sessions: the secret their stored secrets are sealed with (the gateway's too).
  registrySecret: secret('BOTSKY_REGISTRY_SECRET').optional(),
  registryPollMs: duration('BOTSKY_REGISTRY_POLL', { min: 100, max: 60_000 }).default(REGISTRY_POLL_MS),
  // Registered bots whose provider is a gateway model call it here (its /v1, with the builder's key).
  gatewayUrl: url('BOTSKY_GATEWAY_URL', { protocols: ['http', 'https'] }).optional(),
  // Sample posts a new or changed bot must answer acceptably before it goes live.
  sandboxSamples: int('BOTSKY_SANDBOX_SAMPLES', { min: 1, max: 50 }).default(3),
  ...moderationConfigSpec,
};

export type BotRunnerConfig = ConfigOf<typeof botRunnerConfigSpec>;

/** The bots of BOTSKY_BOTS_FILE, validated, secrets resolved (none without the variable). */
export function loadBots(config: BotRunnerConfig, env: Env = process.env): BotEntry[] {
  if (!config.botsFile) return [];
  return loadRegistryFile(config.botsFile, { env, secretsDir: config.secretsDir });
}
