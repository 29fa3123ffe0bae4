// The bot registry: one entry per bot (docs/bot-builders.md), from a YAML or JSON file (a
// ConfigMap or a mounted Secret in Kubernetes). Checked whole at start-up: the first problem
// stops bot-runner with one line naming the bot and the field. Secrets are references, resolved
// here: { env: NAME } (a variable of bot-runner) or { secretRef: { name, key } } (a Kubernetes
// Secret mounted under the secrets directory as <name>/<key>).
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { resolveSecretRef, type Secret, type SecretSources } from '@botsky/kit';
import { checkSpec, PROVIDER_KINDS, type Price, type ProviderSpec } from '../providers/index.ts';

export interface BotEntry {
  id: string;
  handle: string;
  appPassword: Secret;
  /** The bot account's PDS; the service's BOTSKY_PDS_URL when absent. */
  service?: string;
  provider: ProviderSpec;
  systemPrompt: string;
  temperature?: number;
  maxTokens?: number;
  price?: Price;
  allowLinks: boolean;
}

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type { SecretSources } from '@botsky/kit';

type Obj = Record<string, unknown>;

export function loadRegistryFile(path: string, sources: SecretSources): BotEntry[] {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RegistryError(`BOTSKY_BOTS_FILE: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  let doc: unknown;
  try {
    doc = parseYaml(raw);
  } catch (err) {
    throw new RegistryError(`BOTSKY_BOTS_FILE: ${path} is neither YAML nor JSON: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  return parseRegistry(doc, sources);
}

/** Accepts a list of entries or `{ bots: [...] }`. */
export function parseRegistry(doc: unknown, sources: SecretSources): BotEntry[] {
  const list = Array.isArray(doc) ? doc : isObj(doc) && Array.isArray(doc.bots) ? doc.bots : undefined;
  if (!list) throw new RegistryError('bot registry: expected a list of bots (or { bots: [...] })');
  const bots = list.map((e, i) => parseEntry(e, i, sources));
  const seen = new Set<string>();
  for (const b of bots) {
    if (seen.has(b.id)) throw new RegistryError(`bot registry: bot "${b.id}": id is used twice`);
    seen.add(b.id);
  }
  return bots;
}

function parseEntry(e: unknown, index: number, sources: SecretSources): BotEntry {
  const where = isObj(e) && typeof e.id === 'string' ? `bot "${e.id}"` : `bot #${index + 1}`;
  const fail = (field: string, problem: string): never => {
    throw new RegistryError(`bot registry: ${where}: ${field} ${problem}`);
  };
  if (!isObj(e)) return fail('entry', 'must be an object');
  const id = str(e, 'id', fail, /^[a-z0-9][a-z0-9._-]{0,62}$/, 'lowercase letters, digits, . _ -');
  const handle = str(e, 'handle', fail, /^[a-zA-Z0-9.-]+\.[a-zA-Z0-9-]+$/, 'a handle like name.example.org');
  const appPassword = resolveSecret(e.appPassword, 'appPassword', sources, fail);
  const systemPrompt = str(e, 'systemPrompt', fail, /\S/, 'non-empty text');
  const entry: BotEntry = { id, handle, appPassword, provider: providerSpec(e.provider, sources, fail), systemPrompt, allowLinks: false };
  if (e.service !== undefined) entry.service = str(e, 'service', fail, /^https?:\/\/\S+$/, 'an http(s) URL');
  if (e.allowLinks !== undefined)
    entry.allowLinks = e.allowLinks === true || (e.allowLinks === false ? false : fail('allowLinks', 'must be true or false'));
  if (e.temperature !== undefined) entry.temperature = num(e.temperature, 'temperature', 0, 2, fail);
  if (e.maxTokens !== undefined)
    entry.maxTokens = Number.isInteger(e.maxTokens)
      ? num(e.maxTokens, 'maxTokens', 1, 100_000, fail)
      : fail('maxTokens', 'must be an integer');
  if (e.price !== undefined) entry.price = price(e.price, fail);
  return entry;
}

type Fail = (field: string, problem: string) => never;

function providerSpec(p: unknown, sources: SecretSources, fail: Fail): ProviderSpec {
  if (!isObj(p)) return fail('provider', 'must be an object with a kind');
  if (!PROVIDER_KINDS.includes(p.kind as never)) return fail('provider.kind', `must be one of ${PROVIDER_KINDS.join(', ')}`);
  const spec: Obj = { ...p };
  for (const key of ['apiKey', 'token']) {
    if (p[key] !== undefined) spec[key] = resolveSecret(p[key], `provider.${key}`, sources, fail);
  }
  try {
    checkSpec(spec as unknown as ProviderSpec);
  } catch (err) {
    return fail('provider', `is invalid: ${(err as Error).message}`);
  }
  return spec as unknown as ProviderSpec;
}

function resolveSecret(ref: unknown, field: string, sources: SecretSources, fail: Fail): Secret {
  try {
    return resolveSecretRef(ref, sources);
  } catch (err) {
    return fail(field, (err as Error).message);
  }
}

function price(p: unknown, fail: Fail): Price {
  if (!isObj(p)) return fail('price', 'must be { inputPerMillion, outputPerMillion }');
  return {
    inputPerMillion: num(p.inputPerMillion, 'price.inputPerMillion', 0, 1e6, fail),
    outputPerMillion: num(p.outputPerMillion, 'price.outputPerMillion', 0, 1e6, fail),
  };
}

function str(e: Obj, field: string, fail: Fail, pattern: RegExp, expected: string): string {
  const v = e[field];
  if (typeof v !== 'string') return fail(field, 'is required (a string)');
  return pattern.test(v) ? v : fail(field, `must be ${expected} (got ${JSON.stringify(v.slice(0, 40))})`);
}

function num(v: unknown, field: string, min: number, max: number, fail: Fail): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? v : fail(field, `must be a number from ${min} to ${max}`);
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
