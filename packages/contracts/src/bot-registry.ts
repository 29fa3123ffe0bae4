// Self-service bots (issue 14): the registry in KV (KV_BUCKETS.registry), one JSON entry per bot
// under its id. The gateway's bot API writes it (a builder for their own bots, an operator for
// any); every bot-runner replica re-reads it every few seconds and starts, restarts or stops the
// bot without a restart of its own. The bot's secrets (its app password, the gateway key it calls
// models with, a gRPC token) are stored sealed (@botsky/kit's Sealer, BOTSKY_REGISTRY_SECRET,
// purpose REGISTRY_SEAL_PURPOSE), never in the clear.
//
// A bot's life: registered or changed -> `sandbox` (a replica answers SANDBOX sample posts with
// it; nothing is posted) -> `live` when every sample passed the output check and moderation
// within its timeout, `failed` otherwise (the report says why, reply by reply). Only `live` bots
// answer. Removing a bot deletes its entry; its roster entry stays (its past posts are a bot's)
// but is marked inactive, so matchmaker gives it no more posts.

/** A bot's id, as the file registry and the API take it. */
export const BOT_ID = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** A Bluesky handle. */
export const BOT_HANDLE = /^[a-zA-Z0-9.-]+\.[a-zA-Z0-9-]+$/;
/** The Sealer purpose of the registry's secrets (and of the shared bot sessions'). */
export const REGISTRY_SEAL_PURPOSE = 'botsky-bot-registry';
/** How often bot-runner replicas re-read the registry by default (the bus has no KV watch). */
export const REGISTRY_POLL_MS = 2000;
/** A sandbox run claimed longer ago than this without a verdict is claimed again (its replica died). */
export const SANDBOX_CLAIM_MS = 5 * 60_000;

export type BotState = 'sandbox' | 'live' | 'failed';

/** What a builder sends: secrets in the clear (over TLS), sealed before they are stored. */
export interface BotSpec {
  id: string;
  handle: string;
  appPassword: string;
  /** The bot account's PDS; bot-runner's BOTSKY_PDS_URL when absent. */
  service?: string;
  /** A model the gateway serves (called with `apiKey`, by default the registering builder's key), or the builder's own gRPC bot. */
  provider: { kind: 'gateway'; model: string; apiKey?: string } | { kind: 'grpc'; address: string; tls?: boolean; token?: string };
  systemPrompt: string;
  temperature?: number;
  maxTokens?: number;
  /** Bound on one model call (ms); the provider's default when absent. */
  timeoutMs?: number;
  allowLinks?: boolean;
}

/** One sample post of a sandbox run and what became of the bot's answer. */
export interface SandboxItem {
  post: string;
  /** The handle the reply had to @mention, when the sample asked for an introduction. */
  mention?: string;
  /** The reply as checked (absent when the model gave none). */
  reply?: string;
  ok: boolean;
  /** Why it failed (the output check's, moderation's or the provider's reason). */
  reason?: string;
  latencyMs: number;
  attempts: number;
}

export interface SandboxReport {
  /** The bot's `version` this run tested. */
  version: number;
  claimedBy: string;
  claimedAt: number;
  finishedAt?: number;
  passed?: boolean;
  items?: SandboxItem[];
  /** A failure before any sample ran (the account could not log in, the provider could not be made). */
  error?: string;
}

/** The stored entry. */
export interface RegisteredBot {
  id: string;
  /** Who owns it: the builder named by the gateway key that registered it, or `operator`. */
  builder: string;
  handle: string;
  service?: string;
  appPasswordSealed: string;
  provider:
    | { kind: 'gateway'; model: string; apiKeySealed: string }
    | { kind: 'grpc'; address: string; tls?: boolean; tokenSealed?: string };
  systemPrompt: string;
  temperature?: number;
  maxTokens?: number;
  timeoutMs?: number;
  allowLinks: boolean;
  /** Bumped on every change: a change goes through the sandbox again. */
  version: number;
  state: BotState;
  sandbox?: SandboxReport;
  createdAt: number;
  updatedAt: number;
}

/** The subset of a KV store the registry needs (the bus's KvStore has it). */
export interface RegistryKv {
  get(key: string): Promise<{ value: Uint8Array; revision: number } | undefined>;
  update(key: string, value: Uint8Array, revision: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  keys(): Promise<string[]>;
}

export type SpecCheck = { ok: true; spec: BotSpec } | { ok: false; message: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks what a builder sent; the first problem names its field. */
export function checkBotSpec(input: unknown): SpecCheck {
  try {
    return { ok: true, spec: botSpec(input) };
  } catch (err) {
    if (err instanceof SpecProblem) return { ok: false, message: err.message };
    throw err;
  }
}

class SpecProblem extends Error {}

function botSpec(e: unknown): BotSpec {
  if (!isObj(e)) throw new SpecProblem('the bot must be a JSON object');
  const known = new Set([
    'id',
    'handle',
    'appPassword',
    'service',
    'provider',
    'systemPrompt',
    'temperature',
    'maxTokens',
    'timeoutMs',
    'allowLinks',
  ]);
  const extra = Object.keys(e).find((k) => !known.has(k));
  if (extra) throw new SpecProblem(`${extra}: not a field of a bot`);
  const spec: BotSpec = {
    id: text(e, 'id', BOT_ID, 'lowercase letters, digits, . _ - (up to 63)'),
    handle: text(e, 'handle', BOT_HANDLE, 'a handle like name.example.org'),
    appPassword: text(e, 'appPassword', /^\S.{0,199}$/, 'the account’s app password'),
    provider: provider(e.provider),
    systemPrompt: text(e, 'systemPrompt', /\S/, 'non-empty text'),
  };
  if (spec.systemPrompt.length > 20_000) throw new SpecProblem('systemPrompt: at most 20,000 characters');
  if (e.service !== undefined) spec.service = text(e, 'service', /^https?:\/\/\S+$/, 'an http(s) URL');
  if (e.temperature !== undefined) spec.temperature = num(e.temperature, 'temperature', 0, 2, false);
  if (e.maxTokens !== undefined) spec.maxTokens = num(e.maxTokens, 'maxTokens', 1, 100_000, true);
  if (e.timeoutMs !== undefined) spec.timeoutMs = num(e.timeoutMs, 'timeoutMs', 100, 120_000, true);
  if (e.allowLinks !== undefined) {
    if (typeof e.allowLinks !== 'boolean') throw new SpecProblem('allowLinks: must be true or false');
    spec.allowLinks = e.allowLinks;
  }
  return spec;
}

function provider(p: unknown): BotSpec['provider'] {
  if (!isObj(p)) throw new SpecProblem('provider: must be { kind: "gateway", model } or { kind: "grpc", address }');
  if (p.kind === 'gateway') {
    const out: BotSpec['provider'] = { kind: 'gateway', model: text(p, 'model', /^\S{1,128}$/, 'a model the gateway serves', 'provider.') };
    if (p.apiKey !== undefined) out.apiKey = text(p, 'apiKey', /^\S{1,200}$/, 'a gateway key', 'provider.');
    return out;
  }
  if (p.kind === 'grpc') {
    const address = text(p, 'address', /^[^\s:/]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'host:port', 'provider.');
    const out: BotSpec['provider'] = { kind: 'grpc', address };
    if (p.tls !== undefined) {
      if (typeof p.tls !== 'boolean') throw new SpecProblem('provider.tls: must be true or false');
      out.tls = p.tls;
    }
    if (p.token !== undefined) out.token = text(p, 'token', /^\S{1,500}$/, 'a token', 'provider.');
    return out;
  }
  throw new SpecProblem('provider.kind: must be gateway or grpc');
}

function text(e: Obj, field: string, pattern: RegExp, expected: string, prefix = ''): string {
  const v = e[field];
  if (typeof v !== 'string') throw new SpecProblem(`${prefix}${field}: is required (a string)`);
  if (!pattern.test(v)) throw new SpecProblem(`${prefix}${field}: must be ${expected}`);
  return v;
}

function num(v: unknown, field: string, min: number, max: number, integer: boolean): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v))) return v;
  throw new SpecProblem(`${field}: must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const encodeRegisteredBot = (bot: RegisteredBot): Uint8Array => encoder.encode(JSON.stringify(bot));

/** The stored entry, or undefined for one that is not a registered bot (readers count and skip it). */
export function parseRegisteredBot(bytes: Uint8Array): RegisteredBot | undefined {
  let v: unknown;
  try {
    v = JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
  if (!isObj(v) || typeof v.id !== 'string' || !BOT_ID.test(v.id) || typeof v.handle !== 'string') return undefined;
  if (typeof v.appPasswordSealed !== 'string' || typeof v.systemPrompt !== 'string' || !isObj(v.provider)) return undefined;
  if (v.provider.kind !== 'gateway' && v.provider.kind !== 'grpc') return undefined;
  if (!['sandbox', 'live', 'failed'].includes(v.state as string) || !Number.isInteger(v.version)) return undefined;
  return v as unknown as RegisteredBot;
}

/** What the API shows of an entry: everything but the sealed secrets. */
export function publicBot(bot: RegisteredBot): Omit<RegisteredBot, 'appPasswordSealed' | 'provider'> & {
  provider: { kind: 'gateway'; model: string } | { kind: 'grpc'; address: string; tls?: boolean };
} {
  const { appPasswordSealed: _password, provider, ...rest } = bot;
  const shown =
    provider.kind === 'gateway'
      ? { kind: 'gateway' as const, model: provider.model }
      : { kind: 'grpc' as const, address: provider.address, ...(provider.tls !== undefined ? { tls: provider.tls } : {}) };
  return { ...rest, provider: shown };
}

/** Every entry that parses, sorted by id, and how many did not. */
export async function readRegistry(kv: RegistryKv): Promise<{ bots: Array<RegisteredBot & { revision: number }>; invalid: number }> {
  const bots: Array<RegisteredBot & { revision: number }> = [];
  let invalid = 0;
  for (const key of await kv.keys()) {
    const stored = await kv.get(key);
    if (!stored) continue;
    const bot = parseRegisteredBot(stored.value);
    if (bot) bots.push({ ...bot, revision: stored.revision });
    else invalid++;
  }
  bots.sort((a, b) => a.id.localeCompare(b.id));
  return { bots, invalid };
}

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
}

const MAX_CAS_ATTEMPTS = 20;

/**
 * Changes one entry by compare-and-set: `change` gets the current entry (undefined: none) and
 * returns the next one, or undefined to leave it as it is. Returns what was written (or kept).
 */
export async function mutateRegisteredBot(
  kv: RegistryKv,
  id: string,
  change: (current: RegisteredBot | undefined) => RegisteredBot | undefined,
): Promise<{ written: boolean; bot: RegisteredBot | undefined }> {
  for (let i = 0; i < MAX_CAS_ATTEMPTS; i++) {
    const stored = await kv.get(id);
    const current = stored ? parseRegisteredBot(stored.value) : undefined;
    const next = change(current);
    if (next === undefined) return { written: false, bot: current };
    if (await kv.update(id, encodeRegisteredBot(next), stored?.revision ?? 0)) return { written: true, bot: next };
  }
  throw new RegistryError(`bot registry: ${MAX_CAS_ATTEMPTS} compare-and-set attempts on "${id}" lost to other writers`);
}
