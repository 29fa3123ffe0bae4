// `botsky demo --bot grpc://...` as a builder runs it: examples/grpc-bot as its own process, the
// demo with two offline bots beside it. The builder's bot answers the simulated people through
// bot-runner's gRPC provider, battles the offline bots and is ranked on the leaderboard with
// them; it has no planted quality, and the report says so. A wrong --bot is a usage error.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { runNode, waitForOutput } from '@botsky/kit/testing';
import type { DemoReport } from '../src/demo/report.ts';
import { freePort } from '../src/demo/network.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../../examples/grpc-bot/src/main.ts', import.meta.url));

describe('botsky demo --bot', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botsky-demo-bot-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("puts a builder's gRPC bot (examples/grpc-bot) on the leaderboard beside the offline bots", { timeout: 240_000 }, async (t) => {
    const port = await freePort();
    const bot = runNode(t, EXAMPLE, [], { BOT_PORT: String(port) });
    await waitForOutput(bot, /^example bot serving botsky\.v1\.BotService on /m, 30_000);
    const reportPath = join(dir, 'r.json');
    const args = ['demo', '--bots', '2', '--bot', `grpc://127.0.0.1:${port}`, '--duration', '30', '--users', '12', '--seed', '3'];
    const exit = await runNode(t, MAIN, [...args, '--data', join(dir, 'data'), '--report', reportPath], {}).exited;
    assert.equal(exit.code, 0, exit.stderr.slice(-3000));
    const report = JSON.parse(await readFile(reportPath, 'utf8')) as DemoReport;
    const mine = report.bots.find((b) => b.id === 'grpc-bot');
    assert.ok(mine, `grpc-bot in the report: ${report.bots.map((b) => b.id).join(', ')}`);
    assert.equal(mine.provider, 'grpc');
    assert.ok(mine.replies > 0, 'it answered people');
    assert.ok(mine.rating.battles > 0, 'it battled the offline bots');
    assert.ok(mine.rating.bt_style !== null, 'and is rated');
    assert.deepEqual(report.ground_truth.external_bots, ['grpc-bot']);
    assert.deepEqual(Object.keys(report.ground_truth.bot_quality).sort(), ['enthusiast', 'sage'], 'no planted quality for it');
    assert.match(exit.stdout, /^\d+ +grpc-bot +- +grpc +/m, 'the table lists it, quality unknown');
    bot.child.kill('SIGTERM');
  });

  it('a --bot that is neither grpc://HOST:PORT nor openai:BASE_URL:MODEL is a usage error', async (t) => {
    for (const spec of ['grpc://host', 'openai:http://127.0.0.1:8000:llama', 'ftp://x:1']) {
      const exit = await runNode(t, MAIN, ['demo', '--bot', spec, '--data', join(dir, 'bad')], {}).exited;
      assert.equal(exit.code, 2, `${spec}: ${exit.stderr}`);
      assert.match(exit.stderr, /--bot must be grpc:\/\/HOST:PORT or openai:BASE_URL:MODEL/);
    }
  });
});
