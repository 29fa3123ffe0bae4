// The environment variables each service really reads, from the config specs the services load
// at start-up (their own, which includes the common one, and the kit's runtime spec). The chart
// and compose tests check every variable they set against these, so a value the services no
// longer read, or a misspelt one, fails there instead of being silently ignored in a pod.
import { botRunnerConfigSpec } from '@botsky/bot-runner';
import { feedConfigSpec } from '@botsky/feed';
import { gatewayConfigSpec } from '@botsky/gateway';
import { ingestConfigSpec } from '@botsky/ingest';
import { runtimeConfigSpec, type ConfigSpec } from '@botsky/kit';
import { matchmakerConfigSpec } from '@botsky/matchmaker';
import { scoringConfigSpec } from '@botsky/scoring';
import { webConfigSpec } from '@botsky/web';

export const SERVICE_SPECS: Readonly<Record<string, ConfigSpec>> = {
  ingest: ingestConfigSpec,
  matchmaker: matchmakerConfigSpec,
  'bot-runner': botRunnerConfigSpec,
  feed: feedConfigSpec,
  scoring: scoringConfigSpec,
  web: webConfigSpec,
  gateway: gatewayConfigSpec,
};

/** The services the chart (and compose) run by default: the gateway is off until it has models. */
export const ON_BY_DEFAULT: readonly string[] = Object.keys(SERVICE_SPECS).filter((s) => s !== 'gateway');

/**
 * Variables read outside a config spec, on purpose: bot-runner's registry names the secrets it
 * needs as `{ env: NAME }` (docs/bot-builders.md), and the chart offers the LLM keys under these
 * names for registries to use; Node.js reads its own.
 */
const READ_ELSEWHERE: Readonly<Record<string, readonly string[]>> = {
  'bot-runner': ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY'],
  // the gateway's models file names its upstream keys the same way ({ env: NAME })
  gateway: ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY'],
};
const NODE_VARIABLES = ['NODE_OPTIONS'];

/** Every variable `service` reads at start-up. */
export function variablesRead(service: string): Set<string> {
  const spec = SERVICE_SPECS[service];
  if (!spec) throw new Error(`no config spec for ${service}`);
  const fields = [...Object.values(runtimeConfigSpec), ...Object.values(spec)];
  return new Set([...fields.map((f) => f.env), ...(READ_ELSEWHERE[service] ?? []), ...NODE_VARIABLES]);
}

/** The names in `names` that `service` does not read, sorted. */
export function unreadVariables(service: string, names: Iterable<string>): string[] {
  const read = variablesRead(service);
  return [...new Set(names)].filter((n) => !read.has(n)).sort();
}
