// `botsky bots pause|resume` on the real parts: the reference PDS (packages/devnet), the real NATS
// JetStream, two bot-runner replicas in this process, each with its own NATS connection and
// metrics, answering a steady stream of reply tasks with an offline bot. The command is run as
// the CLI runs it. Within 5 s of `pause` returning no replica posts the bot's replies (both settle
// its tasks as PAUSED), and after `resume` they post again; nothing restarts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { botRunnerConfigSpec, createBotRunnerService, createContext, type BotEntry, type BotRunnerContext } from '@botsky/bot-runner';
import { createBus, parseBusUrl, type Bus } from '@botsky/bus';
import {
  BotOutcomeSchema,
  create,
  decode,
  encode,
  FailureReason,
  nowUs,
  OutcomeStatus,
  replyTaskId,
  ReplyTaskSchema,
  SUBJECTS,
  type BotOutcome,
} from '@botsky/contracts';
import { startDevnet, type Devnet, type DevnetAccount } from '@botsky/devnet';
import { Secret, type Service } from '@botsky/kit';
import {
  deleteTestNamespace,
  eventually,
  metricSum,
  natsUrl,
  startInProcess,
  suiteHooks,
  testNamespace,
  type InProcess,
} from '@botsky/kit/testing';
import { runCli } from '../src/cli.ts';

const BOUND_MS = 5000;
const ns = testNamespace('pause');
let net: Devnet;
let bus: Bus;
let bot: DevnetAccount;
let person: DevnetAccount;
const replicas: Array<InProcess<BotRunnerContext, Service>> = [];
const seen: BotOutcome[] = [];
let stopFeeding = false;
let feeding: Promise<void> | undefined;

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    env: { BOTSKY_BUS: natsUrl(), BOTSKY_NAMESPACE: ns },
    cwd: process.cwd(),
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out, err };
}

async function startReplica(entry: BotEntry): Promise<void> {
  const env = {
    BOTSKY_BUS: natsUrl(),
    BOTSKY_NAMESPACE: ns,
    BOTSKY_PDS_URL: net.pdsUrl,
    BOTSKY_PLC_URL: net.plcUrl,
    BOTSKY_HANDLE_RESOLVER_URL: net.pdsUrl,
    BOTSKY_RUNNER_CONCURRENCY: '2',
  };
  const parts = { name: 'bot-runner', configSpec: botRunnerConfigSpec, createContext, createService: createBotRunnerService };
  replicas.push(await startInProcess(hooks, parts, env, { bots: [entry] }, { log: 'warn' }));
}

/** The person posts and a task for the bot follows, every 150 ms, until stopped. */
async function feed(): Promise<void> {
  for (let i = 0; !stopFeeding; i++) {
    const post = await person.agent.post({ text: `Basil update ${i}: the seedlings are up` });
    const ref = { uri: post.uri, cid: post.cid };
    const task = create(ReplyTaskSchema, {
      taskId: replyTaskId(post.uri, 0),
      postRef: ref,
      post: { text: `Basil update ${i}`, langs: ['en'] },
      replyTo: { root: ref, parent: ref },
      authorDid: person.did,
      authorHandle: person.handle,
      botId: 'sunny',
      botDid: bot.did,
      createdAtUs: nowUs(),
      deadlineUs: nowUs() + 600_000_000n,
    });
    await bus.publish(SUBJECTS.replyTask, encode(ReplyTaskSchema, task), { msgId: task.taskId });
    await new Promise((r) => setTimeout(r, 150));
  }
}

before(async () => {
  net = await startDevnet();
  bus = await createBus({ ...parseBusUrl(natsUrl()), namespace: ns });
  await bus.ensureTopology();
  bot = await net.createAccount({ handle: 'sunny', password: 'pw-sunny' });
  person = await net.createAccount({ handle: 'ana', password: 'pw-ana' });
  const app = await bot.agent.com.atproto.server.createAppPassword({ name: 'pause-test' });
  const entry: BotEntry = {
    id: 'sunny',
    handle: bot.handle,
    appPassword: new Secret(app.data.password),
    service: net.pdsUrl,
    provider: { kind: 'offline', style: 'terse' },
    systemPrompt: 'You are Sunny, a gardener.',
    allowLinks: false,
  };
  await startReplica(entry);
  await startReplica(entry);
  await bus.follow(SUBJECTS.botOutcome, async (msg) => void seen.push(decode(BotOutcomeSchema, msg.data)));
  feeding = feed();
});

after(async () => {
  stopFeeding = true;
  await feeding?.catch(() => undefined);
  for (const r of replicas) await r.stop().catch(() => undefined);
  await bus?.close();
  await deleteTestNamespace(ns).catch(() => undefined);
  await net?.stop();
});

// Registered after the file's `after`, which stops the feeding before the replicas: a backstop.
const hooks = suiteHooks();

describe('botsky bots', () => {
  it('refuses what it cannot do, clearly', async () => {
    assert.equal((await cli('bots')).code, 2);
    assert.equal((await cli('bots', 'pause')).code, 2);
    const unknown = await cli('bots', 'pause', 'nobody');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err.join('\n'), /no bot "nobody" in the roster \(sunny\)/);
    const memory = await runCli(['bots', 'list'], { env: { BOTSKY_BUS: 'memory' }, cwd: process.cwd(), out: () => {}, err: () => {} });
    assert.equal(memory, 2);
  });

  it('pause stops the bot on both replicas within 5 s; resume brings it back; list says which', async () => {
    await eventually('replies flowing', () => seen.filter((o) => o.status === OutcomeStatus.REPLIED).length >= 4, {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const paused = await cli('bots', 'pause', 'sunny', '--reason', 'prompt review');
    assert.equal(paused.code, 0, paused.err.join('\n'));
    const pausedAtUs = nowUs();
    assert.match((await cli('bots', 'list')).out.join('\n'), /^sunny\t@sunny\.test.*paused since .*: prompt review$/m);
    assert.match((await cli('bots', 'pause', 'sunny')).out.join('\n'), /already paused/);

    // Both replicas settle the bot's tasks as paused (each takes some of the steady stream).
    const counts = await eventually(
      'tasks settled as paused on both replicas',
      async () => {
        const n = await Promise.all(replicas.map((r) => metricSum(r.metrics, 'botsky_botrunner_paused_tasks_total')));
        return n.every((x) => x > 0) && n;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    const boundUs = pausedAtUs + BigInt(BOUND_MS) * 1000n;
    // Stay paused past the bound with tasks still arriving, so a late reply would be seen.
    await eventually('the bound passed, and more', () => nowUs() > boundUs + 2_000_000n, { timeoutMs: 20_000, intervalMs: 100 });
    const lateReplies = seen.filter((o) => o.status === OutcomeStatus.REPLIED && o.finishedAtUs > boundUs);
    assert.deepEqual(
      lateReplies.map((o) => o.taskId),
      [],
      'no reply finished more than 5 s after the pause',
    );
    const pausedOutcomes = seen.filter((o) => o.failureReason === FailureReason.PAUSED);
    assert.ok(pausedOutcomes.length >= 2 && pausedOutcomes.every((o) => o.status === OutcomeStatus.FAILED));
    // biome-ignore lint/complexity/useMathMinMax: the times are bigints, which Math.min does not take
    const firstPausedUs = pausedOutcomes.map((o) => o.finishedAtUs).reduce((a, b) => (a < b ? a : b));
    console.log(
      `first paused outcome ${Number(firstPausedUs - pausedAtUs) / 1000} ms after the pause; paused tasks per replica ${counts.join(', ')}`,
    );

    const resumed = await cli('bots', 'resume', 'sunny');
    assert.equal(resumed.code, 0);
    const resumedAtUs = nowUs();
    await eventually(
      'replies again after resume',
      () => seen.some((o) => o.status === OutcomeStatus.REPLIED && o.finishedAtUs > resumedAtUs),
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    assert.match((await cli('bots', 'list')).out.join('\n'), /^sunny\t@sunny\.test.*running$/m);
  });
});
