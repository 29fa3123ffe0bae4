// gateway's main as its own process: the kit's common checks (ready, clean SIGTERM, bad config),
// bad gateway settings named in one line, and a models file that is wrong stopping start-up with
// what is wrong in it (and never the key it names).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it, type TestContext } from 'node:test';
import { describeServiceMain, runNode } from '@botsky/kit/testing';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

async function modelsFile(t: TestContext, models: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'botsky-gateway-main-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'models.json');
  await writeFile(path, JSON.stringify(models));
  return path;
}

const MODEL = {
  id: 'small',
  provider: 'openai',
  baseUrl: 'http://127.0.0.1:9/v1',
  apiKey: { env: 'UPSTREAM_KEY' },
  price: { inputPerMillion: 1, outputPerMillion: 2 },
};

describeServiceMain(
  {
    name: 'gateway',
    main: MAIN,
    checks: ['bus'],
    env: async (t) => ({
      BOTSKY_GATEWAY_PORT: '0',
      BOTSKY_GATEWAY_MODELS_FILE: await modelsFile(t, { models: [MODEL] }),
      UPSTREAM_KEY: 'sk-secret-upstream',
    }),
    badConfigs: [
      {
        title: 'bad gateway settings stop start-up: one line naming each variable',
        env: { BOTSKY_GATEWAY_PORT: 'x', BOTSKY_GATEWAY_MAX_TOKENS: '0', BOTSKY_GATEWAY_UPSTREAM_TIMEOUT_MS: '10s' },
        stderr:
          'gateway: config: BOTSKY_GATEWAY_PORT must be an integer 0-65535 (got "x"); BOTSKY_GATEWAY_MAX_TOKENS must be an integer 1-1000000 (got "0"); ' +
          'BOTSKY_GATEWAY_UPSTREAM_TIMEOUT_MS must be a whole number of milliseconds 1000-600000 (no unit: the name says ms) (got "10s")\n',
      },
    ],
  },
  () => {
    it('a models file that is wrong stops start-up, saying where; a key it names is never printed', async (t) => {
      const wrong = await modelsFile(t, { models: [{ ...MODEL, price: { inputPerMillion: -1, outputPerMillion: 2 } }] });
      const exit = await runNode(t, MAIN, [], { BOTSKY_GATEWAY_MODELS_FILE: wrong, UPSTREAM_KEY: 'sk-secret-upstream' }).exited;
      assert.notEqual(exit.code, 0);
      assert.match(exit.stderr + exit.stdout, /models\[0\]\.price\.inputPerMillion must be USD per million tokens/);
      const unset = await modelsFile(t, { models: [MODEL] });
      const second = await runNode(t, MAIN, [], { BOTSKY_GATEWAY_MODELS_FILE: unset }).exited;
      assert.match(second.stderr + second.stdout, /models\[0\]\.apiKey names UPSTREAM_KEY, which is not set/);
      assert.ok(!`${exit.stderr}${exit.stdout}`.includes('sk-secret-upstream'));
    });
  },
);
