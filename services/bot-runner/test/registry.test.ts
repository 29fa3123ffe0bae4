// The bot registry file: YAML or JSON, secrets only by reference, every problem stopping start-up
// with one line that names the bot and the field.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@botsky/kit';
import { botRunnerConfigSpec, loadBots, loadRegistryFile, parseRegistry, RegistryError } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'botsky-registry-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { SUNNY_PW: 'app-pw-1', OPENAI_KEY: 'sk-1' };
const sources = { env, secretsDir: join(dir, 'secrets') };

const good = {
  id: 'sunny-gpt',
  handle: 'sunny.bots.example.org',
  appPassword: { env: 'SUNNY_PW' },
  provider: { kind: 'openai', model: 'gpt-5-mini', apiKey: { env: 'OPENAI_KEY' } },
  systemPrompt: 'You are Sunny.',
  temperature: 0.8,
  maxTokens: 300,
  price: { inputPerMillion: 0.25, outputPerMillion: 2 },
};

test('the documented JSON entry and its YAML twin load, secrets resolved but never printed', () => {
  const json = join(dir, 'bots.json');
  writeFileSync(json, JSON.stringify([good]));
  const yaml = join(dir, 'bots.yaml');
  writeFileSync(
    yaml,
    'bots:\n  - id: terse\n    handle: terse.test\n    appPassword: { secretRef: { name: bots, key: terse } }\n    provider: { kind: offline, style: terse }\n    systemPrompt: Short answers.\n    allowLinks: true\n',
  );
  mkdirSync(join(dir, 'secrets', 'bots'), { recursive: true });
  writeFileSync(join(dir, 'secrets', 'bots', 'terse'), 'from-a-secret\n');
  const [a] = loadRegistryFile(json, sources);
  assert.equal(a?.appPassword.reveal(), 'app-pw-1');
  assert.equal(a?.provider.kind === 'openai' && a.provider.apiKey?.reveal(), 'sk-1');
  assert.ok(!JSON.stringify(a).includes('app-pw-1') && !JSON.stringify(a).includes('sk-1'), 'secrets print redacted');
  const [b] = loadRegistryFile(yaml, sources);
  assert.equal(b?.appPassword.reveal(), 'from-a-secret');
  assert.equal(b?.allowLinks, true);
  const config = loadConfig(botRunnerConfigSpec, { BOTSKY_BOTS_FILE: yaml, BOTSKY_SECRETS_DIR: join(dir, 'secrets') });
  assert.equal(loadBots(config, {})[0]?.id, 'terse');
  assert.deepEqual(loadBots(loadConfig(botRunnerConfigSpec, {}), {}), []);
});

const broken: Array<[string, unknown, RegExp]> = [
  ['a missing handle', { ...good, handle: undefined }, /^bot registry: bot "sunny-gpt": handle is required/],
  ['an unset variable', { ...good, appPassword: { env: 'NOPE' } }, /bot "sunny-gpt": appPassword names NOPE, which is not set/],
  ['a literal password', { ...good, appPassword: 'hunter2' }, /bot "sunny-gpt": appPassword must be a reference/],
  [
    'an unknown provider',
    { ...good, provider: { kind: 'gemini' } },
    /bot "sunny-gpt": provider.kind must be one of openai, anthropic, grpc, offline/,
  ],
  [
    'a bad provider field',
    { ...good, provider: { kind: 'offline', style: 'loud' } },
    /bot "sunny-gpt": provider is invalid: style must be one of/,
  ],
  [
    'a missing secret file',
    { ...good, provider: { ...good.provider, apiKey: { secretRef: { name: 'llm', key: 'openai' } } } },
    /provider.apiKey names secret llm\/openai, not found/,
  ],
  ['a bad temperature', { ...good, temperature: 5 }, /bot "sunny-gpt": temperature must be a number from 0 to 2/],
  ['a bad price', { ...good, price: { inputPerMillion: -1, outputPerMillion: 1 } }, /price.inputPerMillion must be a number/],
  ['no id', { ...good, id: undefined }, /^bot registry: bot #1: id is required/],
];

for (const [name, entry, message] of broken) {
  test(`refused at start-up, in one line: ${name}`, () => {
    assert.throws(
      () => parseRegistry([entry], sources),
      (err: Error) => err instanceof RegistryError && message.test(err.message) && !err.message.includes('\n'),
    );
  });
}

test('two bots with one id, a file that is not a list, and an unreadable file are refused', () => {
  assert.throws(() => parseRegistry([good, good], sources), /bot "sunny-gpt": id is used twice/);
  assert.throws(() => parseRegistry({ sunny: good }, sources), /expected a list of bots/);
  assert.throws(() => loadRegistryFile(join(dir, 'absent.yaml'), sources), /BOTSKY_BOTS_FILE: cannot read/);
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'bots: [ {');
  assert.throws(() => loadRegistryFile(bad, sources), /BOTSKY_BOTS_FILE: .* is neither YAML nor JSON/);
});

test("the context reads the registry's secrets from the environment the kit hands it, not the process's", async () => {
  const file = join(dir, 'env-bots.json');
  writeFileSync(file, JSON.stringify([{ ...good, appPassword: { env: 'BOTSKY_TEST_ONLY_PW' } }]));
  const config = loadConfig(botRunnerConfigSpec, { BOTSKY_BUS: 'memory', BOTSKY_BOTS_FILE: file });
  assert.equal(process.env.BOTSKY_TEST_ONLY_PW, undefined);
  const { createContext } = await import('../src/context.ts');
  const ctx = await createContext(config, { env: { ...env, BOTSKY_TEST_ONLY_PW: 'from-the-kit' } });
  try {
    assert.equal(ctx.bots[0]?.appPassword.reveal(), 'from-the-kit');
  } finally {
    await ctx.close();
  }
});
