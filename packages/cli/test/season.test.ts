// `botsky season` as an operator runs it, against scoring on the real NATS (in this process,
// embedded ClickHouse, recomputing every second): a season started, a battle in it, ended with
// --out: the file holds the frozen leaderboard scoring made, which a later battle does not change.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createBus, parseBusUrl, type Bus } from '@botsky/bus';
import {
  battleId,
  BotOutcomeSchema,
  encode,
  KV_BUCKETS,
  OutcomeStatus,
  parseSeason,
  replyTaskId,
  SUBJECTS,
  toUs,
  type LeaderboardJson,
} from '@botsky/contracts';
import { deleteTestNamespace, eventually, natsUrl, runNode, startInProcess, suiteHooks, testNamespace } from '@botsky/kit/testing';
import { scoringDefinition, type ScoringContext, type ScoringService } from '@botsky/scoring';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** Two bots answer one post, as bot-runner reports it. */
async function battle(bus: Bus, post: string, bots: [string, string]): Promise<void> {
  for (const [slot, bot] of bots.entries()) {
    const data = encode(BotOutcomeSchema, {
      taskId: replyTaskId(post, slot),
      botId: bot,
      model: `m-${bot}`,
      provider: 'builtin',
      status: OutcomeStatus.REPLIED,
      reply: { uri: `at://did:plc:${bot}/app.bsky.feed.post/${post.split('/').pop()}${slot}`, cid: 'c' },
      replyText: 'hi',
      battleId: battleId(post),
      postRef: { uri: post, cid: 'c' },
      finishedAtUs: toUs(Date.now()),
      attempts: 1,
    });
    await bus.publish(SUBJECTS.botOutcome, data, { msgId: replyTaskId(post, slot) });
  }
}

describe('botsky season', () => {
  const hooks = suiteHooks();
  const namespace = testNamespace('season');
  let dir = '';
  let bus: Bus;
  /** scoring's HTTP listener. */
  let url = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botsky-season-'));
    const parts = { ...scoringDefinition, createService: (ctx: ScoringContext) => scoringDefinition.createService(ctx) as ScoringService };
    const running = await startInProcess(hooks, parts, {
      BOTSKY_BUS: natsUrl(),
      BOTSKY_NAMESPACE: namespace,
      BOTSKY_WAREHOUSE: `embedded:${join(dir, 'ch')}`,
      BOTSKY_LEADERBOARD_HOST: '127.0.0.1',
      BOTSKY_LEADERBOARD_PORT: '0',
      BOTSKY_LEADERBOARD_GRPC_PORT: '0',
      BOTSKY_SCORING_INTERVAL: '1s',
      // a season is frozen once its windows have closed (and 10 s more): short ones here
      BOTSKY_BATTLE_WINDOW: '1s',
      BOTSKY_RECOMMENDATION_WINDOW: '1s',
      BOTSKY_BOOTSTRAP_ROUNDS: '20',
    });
    url = `http://127.0.0.1:${running.svc.servers()?.httpPort}`;
    bus = await createBus({ ...parseBusUrl(natsUrl()), namespace });
  });
  after(async () => {
    await bus?.close();
    await deleteTestNamespace(namespace);
    await rm(dir, { recursive: true, force: true });
  });

  const cli = (t: Parameters<typeof runNode>[0], args: string[]) =>
    runNode(t, MAIN, ['season', ...args], { BOTSKY_BUS: natsUrl(), BOTSKY_NAMESPACE: namespace }).exited;

  it('start, a battle, end --out: the file is the frozen leaderboard, and a later battle does not change it', async (t) => {
    const started = await cli(t, ['start', 'spring']);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /^season spring started at /);
    await battle(bus, 'at://did:plc:alice/app.bsky.feed.post/p1', ['sage', 'terse']);
    const kv = await bus.kv(KV_BUCKETS.seasons);
    // scoring recorded the battle's replies and counts them in the running season
    await eventually(
      'the battle in the season',
      async () => {
        const res = await fetch(`${url}/v1/seasons/spring`);
        return res.ok && ((await res.json()) as { leaderboard: LeaderboardJson }).leaderboard.bots.length === 2;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    const out = join(dir, 'spring.json');
    const ended = await cli(t, ['end', 'spring', '--out', out, '--wait', '30']);
    assert.equal(ended.code, 0, ended.stderr);
    assert.match(ended.stdout, /season spring: leaderboard frozen, 2 bots/);
    const exported = JSON.parse(await readFile(out, 'utf8')) as LeaderboardJson;
    assert.deepEqual(exported.bots.map((b) => b.id).sort(), ['sage', 'terse']);
    assert.deepEqual(parseSeason((await kv.get('spring'))?.value ?? new Uint8Array())?.frozen?.leaderboard, exported);

    await battle(bus, 'at://did:plc:bob/app.bsky.feed.post/p2', ['sage', 'enthusiast']);
    await new Promise((r) => setTimeout(r, 2500)); // two more scoring passes
    assert.deepEqual(parseSeason((await kv.get('spring'))?.value ?? new Uint8Array())?.frozen?.leaderboard, exported);
    const listed = await cli(t, ['list']);
    assert.match(listed.stdout, /^spring\t\S+\t\S+\tfrozen$/m);
    const again = await cli(t, ['end', 'spring']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /ended already/);
  });

  it('wrong input is refused: exit 2', async (t) => {
    for (const args of [['begin', 'x'], ['start'], ['end', 'x', '--wait', 'soon']]) {
      const exit = await cli(t, args);
      assert.equal(exit.code, 2, `${args.join(' ')}: ${exit.stderr}`);
    }
    const badName = await cli(t, ['start', 'no spaces!']);
    assert.equal(badName.code, 1);
    assert.match(badName.stderr, /letters, digits/);
  });
});
