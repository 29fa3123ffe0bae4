// gateway's variables: the ones every service reads, then its own (one line each).
import { commonConfigSpec, int, milliseconds, secret, string, type ConfigOf, type Env } from '@botsky/kit';
import { type GatewayModel, loadModelsFile } from './models.ts';

export const gatewayConfigSpec = {
  ...commonConfigSpec,
  port: int('BOTSKY_GATEWAY_PORT', { min: 0, max: 65535 }).default(4000),
  host: string('BOTSKY_GATEWAY_HOST').default('0.0.0.0'),
  /** The models served, their upstreams, API key references and prices (JSON; see src/models.ts). */
  modelsFile: string('BOTSKY_GATEWAY_MODELS_FILE').default('/etc/botsky/gateway-models.json'),
  /** Where `{ secretRef: { name, key } }` references in the models file are read from. */
  secretsDir: string('BOTSKY_SECRETS_DIR').default('/var/run/secrets/botsky'),
  /** The operators' token for /admin/keys; unset: no admin API on this replica. */
  adminToken: secret('BOTSKY_GATEWAY_ADMIN_TOKEN').optional(),
  /** Seals the self-service bots' secrets (bot-runner opens them with the same); unset: no bot API (/v1/bots). */
  registrySecret: secret('BOTSKY_REGISTRY_SECRET').optional(),
  /** The largest max_tokens a request may ask for, and what a request that names none gets. */
  maxTokens: int('BOTSKY_GATEWAY_MAX_TOKENS', { min: 1, max: 1_000_000 }).default(1024),
  /** How long the gateway waits for an upstream's answer (or the end of its stream). */
  upstreamTimeoutMs: milliseconds('BOTSKY_GATEWAY_UPSTREAM_TIMEOUT_MS', { min: 1000, max: 600_000 }).default(120_000),
};

export type GatewayConfig = ConfigOf<typeof gatewayConfigSpec>;

/** The models of BOTSKY_GATEWAY_MODELS_FILE, their `{ env: NAME }` keys read from `env` (this module reads the environment, no other). */
export function loadModels(config: GatewayConfig, env: Env = process.env): GatewayModel[] {
  return loadModelsFile(config.modelsFile, { env, secretsDir: config.secretsDir });
}
