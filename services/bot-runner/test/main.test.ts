// bot-runner's main as its own process: it starts on the kit against the real NATS, reports ready,
// stops cleanly on SIGTERM, and refuses a bad config with one line naming the variable.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { natsUrl, runNode, startServiceMain, testNamespace } from '@botsky/kit/testing';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('bot-runner main', { concurrency: true }, () => {
  it('connects to the bus, is ready, and exits 0 on SIGTERM within the deadline', async (t) => {
    const env = { BOTSKY_BUS: natsUrl(), BOTSKY_NAMESPACE: testNamespace(), BOTSKY_DRAIN_TIMEOUT_MS: '5000' };
    const { proc, ready } = await startServiceMain(t, MAIN, env);
    assert.deepEqual(ready, { ready: true, phase: 'ready', checks: { 'bot-runner.bus': { ok: true } } });
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    // Exit 0 means within the deadline: past it, the kit's timer ends the process with 1.
    assert.equal(exit.code, 0, exit.stderr);
    assert.equal(exit.stderr, '');
    assert.match(exit.stdout, /"msg":"stopped"/);
  });

  it('a bad port stops start-up: exit 2, one line on stderr naming BOTSKY_OPS_PORT', async (t) => {
    const exit = await runNode(t, MAIN, [], { BOTSKY_OPS_PORT: 'abc' }).exited;
    assert.equal(exit.code, 2);
    assert.equal(exit.stderr, 'bot-runner: config: BOTSKY_OPS_PORT must be an integer 0-65535 (got "abc")\n');
    assert.equal(exit.stdout, '');
  });

  it('a bad bus URL stops start-up: exit 2, one line on stderr naming BOTSKY_BUS', async (t) => {
    const exit = await runNode(t, MAIN, [], { BOTSKY_BUS: 'ftp://x' }).exited;
    assert.equal(exit.code, 2);
    assert.equal(exit.stderr, `bot-runner: config: BOTSKY_BUS must be 'memory' or nats://host:port[,host:port...] (got "ftp://x")\n`);
  });

  it('a bad bot registry stops start-up: exit 1, one line naming the bot and the field', async (t) => {
    const file = join(mkdtempSync(join(tmpdir(), 'botsky-main-')), 'bots.yaml');
    writeFileSync(file, 'bots:\n  - id: sunny\n    handle: sunny.test\n    appPassword: { env: BOTSKY_UNSET_PASSWORD }\n    provider: { kind: offline, style: terse }\n    systemPrompt: hi\n');
    const exit = await runNode(t, MAIN, [], { BOTSKY_BOTS_FILE: file, BOTSKY_NAMESPACE: testNamespace(), BOTSKY_OPS_PORT: '0' }).exited;
    assert.equal(exit.code, 1);
    assert.equal(exit.stderr, 'bot-runner: bot-runner context failed: bot registry: bot "sunny": appPassword names BOTSKY_UNSET_PASSWORD, which is not set\n');
  });
});
