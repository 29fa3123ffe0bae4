// The models the gateway serves (BOTSKY_GATEWAY_MODELS_FILE, JSON): for each, the id builders ask
// for, the upstream that answers (`openai`: OpenAI or any OpenAI-compatible server, through the
// openai SDK; `anthropic`: through @anthropic-ai/sdk), the upstream's own model name, its API key
// as a reference (never the key itself), and its price in USD per million tokens, which the spend
// caps are counted in. Checked at start-up: a wrong file stops the service with what is wrong.
//
//   { "models": [ { "id": "gpt-4o-mini", "provider": "openai", "baseUrl": "https://api.openai.com/v1",
//       "upstreamModel": "gpt-4o-mini", "apiKey": { "env": "OPENAI_API_KEY" },
//       "price": { "inputPerMillion": 0.15, "outputPerMillion": 0.6 } } ] }
import { readFileSync } from 'node:fs';
import { resolveSecretRef, type Secret, type SecretSources } from '@botsky/kit';

export type UpstreamKind = 'openai' | 'anthropic';

export interface GatewayModel {
  id: string;
  provider: UpstreamKind;
  baseUrl: string;
  upstreamModel: string;
  apiKey: Secret;
  price: { inputPerMillion: number; outputPerMillion: number };
}

export class ModelsFileError extends Error {
  override readonly name = 'ModelsFileError';
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

export function loadModelsFile(path: string, sources: SecretSources): GatewayModel[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ModelsFileError(`BOTSKY_GATEWAY_MODELS_FILE ${path}: cannot read it as JSON (${(err as Error).message})`);
  }
  return parseModels(raw, sources, path);
}

export function parseModels(raw: unknown, sources: SecretSources, where = 'models'): GatewayModel[] {
  if (!isObj(raw) || !Array.isArray(raw.models) || raw.models.length === 0)
    throw new ModelsFileError(`${where}: must be { "models": [ ... ] } with at least one model`);
  const seen = new Set<string>();
  return raw.models.map((m, i) => {
    const at = (field: string) => `${where}: models[${i}]${field ? `.${field}` : ''}`;
    if (!isObj(m)) throw new ModelsFileError(`${at('')} must be an object`);
    if (typeof m.id !== 'string' || !ID.test(m.id))
      throw new ModelsFileError(`${at('id')} must be a model id (letters, digits, . _ : / -)`);
    if (seen.has(m.id)) throw new ModelsFileError(`${at('id')} repeats "${m.id}"`);
    seen.add(m.id);
    if (m.provider !== 'openai' && m.provider !== 'anthropic')
      throw new ModelsFileError(`${at('provider')} must be "openai" or "anthropic"`);
    let base: URL;
    try {
      base = new URL(String(m.baseUrl));
    } catch {
      throw new ModelsFileError(`${at('baseUrl')} must be an http(s) URL`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new ModelsFileError(`${at('baseUrl')} must be an http(s) URL`);
    const upstreamModel = typeof m.upstreamModel === 'string' && m.upstreamModel ? m.upstreamModel : m.id;
    let apiKey: Secret;
    try {
      apiKey = resolveSecretRef(m.apiKey, sources);
    } catch (err) {
      throw new ModelsFileError(`${at('apiKey')} ${(err as Error).message}`);
    }
    const p = isObj(m.price) ? m.price : {};
    const price = { inputPerMillion: Number(p.inputPerMillion), outputPerMillion: Number(p.outputPerMillion) };
    for (const [k, v] of Object.entries(price)) {
      if (!Number.isFinite(v) || v < 0 || v > 1e4)
        throw new ModelsFileError(`${at(`price.${k}`)} must be USD per million tokens, 0 to 10,000`);
    }
    return { id: m.id, provider: m.provider, baseUrl: base.toString().replace(/\/$/, ''), upstreamModel, apiKey, price };
  });
}

/** The cost in USD of `input` and `output` tokens of `model`. */
export function costUsd(model: GatewayModel, input: number, output: number): number {
  return (input * model.price.inputPerMillion + output * model.price.outputPerMillion) / 1e6;
}
