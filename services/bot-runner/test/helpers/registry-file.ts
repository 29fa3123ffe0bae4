// A bot registry file as an operator writes it (YAML, secrets by env reference), for tests that
// run bot-runner's main as a child process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { OPENAI_KEY } from '@botsky/llm-stand-ins/openai';

export interface RegistryFile {
  path: string;
  /** Removes the file's folder. */
  remove(): void;
  /** The variables its references name, with their values. */
  env: Record<string, string>;
}

export function writeRegistryFile(
  bots: Array<{ id: string; handle: string; appPassword: string; pdsUrl: string; modelUrl: string }>,
): RegistryFile {
  const env: Record<string, string> = { BOTSKY_TEST_OPENAI_KEY: OPENAI_KEY };
  const entries = bots.map((b) => {
    const pwVar = `BOTSKY_BOT_${b.id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_APP_PASSWORD`;
    env[pwVar] = b.appPassword;
    return {
      id: b.id,
      handle: b.handle,
      service: b.pdsUrl,
      appPassword: { env: pwVar },
      provider: {
        kind: 'openai',
        model: 'polite-1',
        baseURL: b.modelUrl,
        apiKey: { env: 'BOTSKY_TEST_OPENAI_KEY' },
        maxRetries: 0,
        timeoutMs: 10_000,
      },
      systemPrompt: 'You are a friendly gardener who introduces people.',
      price: { inputPerMillion: 0.5, outputPerMillion: 1.5 },
    };
  });
  const dir = mkdtempSync(join(tmpdir(), 'botsky-registry-'));
  const path = join(dir, 'bots.yaml');
  writeFileSync(path, stringify({ bots: entries }));
  return { path, env, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
