// `botsky keys` as an operator runs it, against a gateway on the real NATS (in this process, an
// OpenAI stand-in as its upstream): a key made is printed once and works with the gateway, the
// list shows it without its secret, a revoked key is refused, and wrong input is refused before
// anything is sent.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ADMIN, startGateway } from '@botsky/gateway/testing';
import { runNode, suiteHooks } from '@botsky/kit/testing';
import { completion, OPENAI_KEY, startOpenAIStandIn, type OpenAIStandIn } from '@botsky/llm-stand-ins/openai';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('botsky keys', () => {
  const hooks = suiteHooks();
  let upstream: OpenAIStandIn;
  let gateway = '';

  before(async () => {
    upstream = await startOpenAIStandIn([completion('hello')]);
    const running = await startGateway(hooks, {
      models: [
        {
          id: 'small',
          provider: 'openai',
          baseUrl: upstream.baseURL,
          apiKey: { env: 'UP' },
          price: { inputPerMillion: 1, outputPerMillion: 1 },
        },
      ],
      secrets: { UP: OPENAI_KEY },
    });
    gateway = running.urls[0] as string;
  });
  after(async () => {
    await upstream?.close();
  });

  const cli = (t: Parameters<typeof runNode>[0], args: string[], env: Record<string, string> = {}) =>
    runNode(t, MAIN, ['keys', ...args], { BOTSKY_GATEWAY_URL: gateway, BOTSKY_GATEWAY_ADMIN_TOKEN: ADMIN, ...env }).exited;
  const chat = (key: string) =>
    fetch(`${gateway}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'small', messages: [{ role: 'user', content: 'hi' }] }),
    });

  it('create prints the key once; it works; list shows it without its secret; revoke ends it', async (t) => {
    const made = await cli(t, [
      'create',
      '--builder',
      'ada',
      '--rpm',
      '60',
      '--tokens-per-day',
      '100000',
      '--spend-cap',
      '5',
      '--models',
      'small',
    ]);
    assert.equal(made.code, 0, made.stderr);
    const [, id, key] = /^key (\S+) for ada:\n {2}(bsk_\S+)$/m.exec(made.stdout) ?? [];
    assert.ok(id && key, made.stdout);
    assert.equal((await chat(key)).status, 200);

    const listed = await cli(t, ['list']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`^${id}\\tada\\tsmall\\t60/min\\t100000 tokens/day\\t\\$0\\.0001 of \\$5\\tactive$`, 'm'));
    assert.ok(!listed.stdout.includes(key.slice(`bsk_${id}_`.length)), 'no secret in the list');

    const revoked = await cli(t, ['revoke', id]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal((await chat(key)).status, 401);
    assert.match((await cli(t, ['list'])).stdout, new RegExp(`^${id}\\t.*\\trevoked `, 'm'));
    const unknown = await cli(t, ['revoke', 'nosuchkey000']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /the gateway answered 404/);
  });

  it('wrong input is refused before anything is sent: exit 2 and what is wrong', async (t) => {
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['create', '--builder', 'ada', '--rpm', 'lots', '--tokens-per-day', '1', '--spend-cap', '1'], {}, /--rpm must be a whole number/],
      [['create', '--rpm', '1', '--tokens-per-day', '1', '--spend-cap', '1'], {}, /--builder NAME is needed/],
      [['list'], { BOTSKY_GATEWAY_ADMIN_TOKEN: '' }, /needs the operators’ token/],
      [['list', '--gateway', 'ftp://x'], {}, /--gateway must be an http\(s\) URL/],
      [['revoke'], {}, /which key\?/],
    ];
    for (const [args, env, message] of cases) {
      const exit = await cli(t, args, env);
      assert.equal(exit.code, 2, `${args.join(' ')}: ${exit.stderr}`);
      assert.match(exit.stderr, message);
    }
    const wrongToken = await cli(t, ['list'], { BOTSKY_GATEWAY_ADMIN_TOKEN: 'not-it' });
    assert.equal(wrongToken.code, 1);
    assert.match(wrongToken.stderr, /answered 401/);
  });
});
