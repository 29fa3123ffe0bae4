// A secret named in a file (a bot registry, the gateway's models) is never the secret itself but a
// reference: `{ env: NAME }` (a variable of the service) or `{ secretRef: { name, key } }` (a
// Kubernetes Secret mounted at <secretsDir>/<name>/<key>, or the same layout on disk).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Env, Secret } from './config.ts';

export interface SecretSources {
  env: Env;
  secretsDir: string;
}

export class SecretRefError extends Error {
  override readonly name = 'SecretRefError';
}

/** The secret `ref` names; throws SecretRefError saying what is wrong (never the secret). */
export function resolveSecretRef(ref: unknown, sources: SecretSources): Secret {
  const obj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (obj(ref) && typeof ref.env === 'string') {
    const value = sources.env[ref.env];
    if (value) return new Secret(value);
    throw new SecretRefError(`names ${ref.env}, which is not set`);
  }
  if (obj(ref) && obj(ref.secretRef) && typeof ref.secretRef.name === 'string' && typeof ref.secretRef.key === 'string') {
    const path = join(sources.secretsDir, ref.secretRef.name, ref.secretRef.key);
    try {
      const value = readFileSync(path, 'utf8').trim();
      if (value) return new Secret(value);
    } catch {
      // reported below, with the path
    }
    throw new SecretRefError(`names secret ${ref.secretRef.name}/${ref.secretRef.key}, not found (or empty) at ${path}`);
  }
  throw new SecretRefError('must be a reference: { env: NAME } or { secretRef: { name, key } } (never the secret itself)');
}
