// bot-runner's main as its own process: the kit's common checks (ready, clean SIGTERM, bad
// config), bad moderation settings, and a bad bot registry named in one line.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { describeServiceMain, runNode, testNamespace, type BadConfigCase } from '@botsky/kit/testing';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

const BAD_CONFIGS: BadConfigCase[] = [
  {
    title: 'an unknown moderation provider stops start-up: exit 2, one line naming the variable',
    env: { BOTSKY_MODERATION_PROVIDER: 'perspective' },
    stderr: 'bot-runner: config: BOTSKY_MODERATION_PROVIDER must be one of none, openai (got "perspective")\n',
  },
  {
    title: 'the openai moderation provider without its key stops start-up before connecting: exit 1, one line',
    env: { BOTSKY_MODERATION_PROVIDER: 'openai', BOTSKY_NAMESPACE: testNamespace(), BOTSKY_OPS_PORT: '0' },
    stderr:
      'bot-runner: bot-runner context failed: config: BOTSKY_MODERATION_OPENAI_API_KEY is required when BOTSKY_MODERATION_PROVIDER is openai\n',
    code: 1,
  },
];

describeServiceMain({ name: 'bot-runner', main: MAIN, checks: ['bus'], badConfigs: BAD_CONFIGS }, () => {
  it('a bad bot registry stops start-up: exit 1, one line naming the bot and the field', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'botsky-main-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'bots.yaml');
    await writeFile(
      file,
      'bots:\n  - id: sunny\n    handle: sunny.test\n    appPassword: { env: BOTSKY_UNSET_PASSWORD }\n    provider: { kind: offline, style: terse }\n    systemPrompt: hi\n',
    );
    const exit = await runNode(t, MAIN, [], { BOTSKY_BOTS_FILE: file, BOTSKY_NAMESPACE: testNamespace(), BOTSKY_OPS_PORT: '0' }).exited;
    assert.equal(exit.code, 1);
    assert.equal(
      exit.stderr,
      'bot-runner: bot-runner context failed: bot registry: bot "sunny": appPassword names BOTSKY_UNSET_PASSWORD, which is not set\n',
    );
  });
});
