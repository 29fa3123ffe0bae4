// values.schema.json, generated from values.yaml: every key becomes a property of the type of its
// default, described by its comment, in objects that reject unknown keys; the rules below add
// what a default cannot say (free-form Kubernetes objects, enums, ranges). Generating it keeps
// the schema and the values from drifting apart; a test checks the file is current.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isScalar, parseDocument, type Pair, type YAMLMap } from 'yaml';
import { DID_SOURCE } from '@botsky/contracts/syntax';
import { CHART_DIR } from './paths.ts';

export type JsonSchema = Record<string, unknown>;

export const VALUES_FILE = join(CHART_DIR, 'values.yaml');
export const SCHEMA_FILE = join(CHART_DIR, 'values.schema.json');

const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const anyObject = { type: 'object' };

/** Keys whose value is a Kubernetes object or a free map: checked by Kubernetes, not here. */
const FREE_FORM: Record<string, JsonSchema> = {
  env: stringMap,
  podAnnotations: stringMap,
  nodeSelector: stringMap,
  labels: stringMap,
  annotations: stringMap,
  resources: anyObject,
  affinity: anyObject,
  podSecurityContext: anyObject,
  securityContext: anyObject,
  tolerations: { type: 'array', items: anyObject },
  imagePullSecrets: {
    type: 'array',
    items: { type: 'object', properties: { name: { type: 'string', minLength: 1 } }, required: ['name'], additionalProperties: false },
  },
  extraSecrets: { type: 'array', items: { type: 'string', minLength: 1 } },
  // Secret names, which are also folder names under BOTSKY_SECRETS_DIR.
  secretMounts: { type: 'array', items: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$' }, uniqueItems: true },
};

/** Extra constraints by dotted path (or by `*.key` for a key anywhere). */
const RULES: Record<string, JsonSchema> = {
  'common.logLevel': { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
  'common.busNamespace': { pattern: '^([A-Za-z0-9_-]{1,40})?$' },
  'common.drainTimeoutMs': { minimum: 1 },
  'common.preStopSleepSeconds': { minimum: 0 },
  'bus.url': { pattern: '^(nats://.+)?$' },
  'warehouse.url': { pattern: '^(https?://.+)?$' },
  'warehouse.database': { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
  // The ranges and forms ingest's and feed's config specs accept, so a bad value fails at install.
  'ingest.source': { enum: ['firehose', 'jetstream'] },
  'ingest.url': { pattern: '^wss?://.+' },
  'ingest.idleTimeoutMs': { minimum: 100, maximum: 3_600_000 },
  'ingest.readyGraceMs': { minimum: 0, maximum: 3_600_000 },
  'ingest.startCursor': { pattern: '^[0-9]*$' },
  'ingest.scope': { enum: ['community', 'network'] },
  'project.did': { pattern: `^(${DID_SOURCE})?$` },
  // The forms the kit's config fields read (duration, bytes); the ranges are the services' to check.
  '*.maxAge': { pattern: '^[0-9]+(ms|s|m|h|d)?$' },
  '*.maxBytes': { pattern: '^[0-9]+(B|KiB|MiB|GiB|TiB)?$' },
  'warehouse.postTextRetentionDays': { minimum: 1, maximum: 3650 },
  'prometheus.scrapeInterval': { pattern: '^[0-9]+(ms|s|m|h)$' },
  'prometheus.retention': { pattern: '^[0-9]+(ms|s|m|h|d|w|y)$' },
  'prometheus.retentionSize': { pattern: '^[0-9]+(B|KB|MB|GB|TB|PB)$' },
  'prometheus.storageSizeLimit': { pattern: '^[0-9]+(Ki|Mi|Gi|Ti)$' },
  'feed.hostname': { pattern: '^[A-Za-z0-9.-]*$' },
  'web.hostname': { pattern: '^[A-Za-z0-9.-]*$' },
  'web.port': { minimum: 1, maximum: 65535 },
  'gateway.port': { minimum: 1, maximum: 65535 },
  'gateway.maxTokens': { minimum: 1, maximum: 1_000_000 },
  'gateway.upstreamTimeoutMs': { minimum: 1000, maximum: 600_000 },
  // The shape the gateway's models file takes (services/gateway/src/models.ts checks it whole at start-up).
  'gateway.models': {
    type: 'array',
    items: {
      type: 'object',
      required: ['id', 'provider', 'baseUrl', 'apiKey', 'price'],
      additionalProperties: false,
      properties: {
        id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$' },
        provider: { enum: ['openai', 'anthropic'] },
        baseUrl: { type: 'string', pattern: '^https?://.+' },
        upstreamModel: { type: 'string', minLength: 1 },
        apiKey: { type: 'object' },
        price: {
          type: 'object',
          required: ['inputPerMillion', 'outputPerMillion'],
          additionalProperties: false,
          properties: { inputPerMillion: { type: 'number', minimum: 0 }, outputPerMillion: { type: 'number', minimum: 0 } },
        },
      },
    },
  },
  // What bot-runner's config spec reads: an http(s) URL, a duration, 1 to 50 samples.
  'selfServiceBots.gatewayUrl': { pattern: '^(https?://.+)?$' },
  'selfServiceBots.pollInterval': { pattern: '^[0-9]+(ms|s|m)?$' },
  'selfServiceBots.sandboxSamples': { minimum: 1, maximum: 50 },
  'feed.serviceDid': { pattern: `^(${DID_SOURCE})?$` },
  'grafana.service.type': { enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] },
  'grafana.plugins.install': { type: 'array', items: { type: 'string', pattern: '^[^,\\s]+$' } },
  'grafana.plugins.image.path': { pattern: '^/.*' },
  'metrics.serviceMonitor.interval': { pattern: '^[0-9]+(ms|s|m|h)$' },
  '*.pullPolicy': { enum: ['Always', 'IfNotPresent', 'Never'] },
  '*.replicas': { minimum: 0 },
  '*.minReplicas': { minimum: 0 },
  '*.maxReplicas': { minimum: 1 },
  '*.maxUnavailable': { type: ['integer', 'string'], minimum: 0, pattern: '^[0-9]+%$' },
  '*.size': { pattern: '^[0-9]+(Ki|Mi|Gi|Ti)$' },
};

/**
 * Rules across values, as JSON-schema if/then: helm refuses the values before rendering, naming
 * the value that is missing (its own rule checks its form); the description says why. The
 * templates fail with a sentence too, for `helm template --skip-schema-validation`.
 */
const CONDITIONS: JsonSchema[] = [
  {
    description: 'ingest.scope network reads every event of the network: it needs the project account, project.did',
    if: { properties: { ingest: { properties: { scope: { const: 'network' } }, required: ['scope'] } }, required: ['ingest'] },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a promise
    then: {
      properties: { project: { properties: { did: { minLength: 1 } }, required: ['did'] } },
      required: ['project'],
    },
  },
];

const PORT = /(^port|Port)$/;

/** The schema for the values document at `path` (values.yaml by default). */
export async function buildValuesSchema(path = VALUES_FILE): Promise<JsonSchema> {
  const doc = parseDocument(await readFile(path, 'utf8'));
  if (!isMap(doc.contents)) throw new Error(`${path}: the values are not a map`);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'BotSky chart values',
    ...objectSchema(doc.contents, ''),
    allOf: CONDITIONS,
  };
}

function objectSchema(map: YAMLMap, prefix: string): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  map.items.forEach((pair, i) => {
    const key = String((pair.key as { value: unknown }).value);
    const path = prefix + key;
    const description = commentOf(pair, i === 0 ? map.commentBefore : undefined);
    properties[key] = { description, ...valueSchema(pair, key, path) };
  });
  return { type: 'object', additionalProperties: false, properties };
}

function valueSchema(pair: Pair, key: string, path: string): JsonSchema {
  const free = FREE_FORM[key];
  if (free) return free;
  const rule = RULES[path] ?? RULES[`*.${key}`] ?? {};
  if (isMap(pair.value)) return objectSchema(pair.value, `${path}.`);
  if (!isScalar(pair.value)) {
    if (rule.type === 'array') return rule;
    throw new Error(`values.yaml: ${path} is a list; give it a rule in values-schema.ts`);
  }
  const value = pair.value.value;
  if (typeof value === 'boolean') return { type: 'boolean', ...rule };
  if (typeof value === 'number') {
    const ports = PORT.test(key) ? { minimum: 1, maximum: 65535 } : {};
    return { type: Number.isInteger(value) ? 'integer' : 'number', ...ports, ...rule };
  }
  return { type: 'string', ...rule };
}

/** The comment right above a key; for the file's first key, only its last paragraph. */
export function commentOf(pair: Pair, inherited: string | null | undefined): string | undefined {
  const raw = (pair.key as { commentBefore?: string | null }).commentBefore ?? inherited ?? undefined;
  if (!raw) return undefined;
  const paragraphs = raw.split(/\n\s*\n/);
  return paragraphs[paragraphs.length - 1]!.split('\n')
    .map((l) => l.trim())
    .join(' ')
    .trim();
}

/** Every values.yaml key (outside free-form objects) that has no comment above it. */
export async function uncommentedValues(path = VALUES_FILE): Promise<string[]> {
  const schema = await buildValuesSchema(path);
  const missing: string[] = [];
  const walk = (node: JsonSchema, prefix: string): void => {
    const props = node.properties as Record<string, JsonSchema> | undefined;
    if (node.additionalProperties !== false || !props) return;
    for (const [key, child] of Object.entries(props)) {
      if (!child.description) missing.push(prefix + key);
      walk(child, `${prefix}${key}.`);
    }
  };
  walk(schema, '');
  return missing;
}

export function renderSchema(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** Writes charts/botsky/values.schema.json; run after changing values.yaml. */
export async function writeValuesSchema(): Promise<void> {
  await writeFile(SCHEMA_FILE, renderSchema(await buildValuesSchema()));
}
