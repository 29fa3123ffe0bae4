// Self-service bots on the real parts: the reference PDS (packages/devnet), the real NATS
// JetStream, the gateway (its bot API, and the model the bot calls, an OpenAI stand-in behind it)
// and two bot-runner replicas with no file registry, all in this process; `botsky bots` run as
// the CLI runs it, with a builder's gateway key. A bot registered with `bots add` passes the
// sandbox, then both replicas answer with it within seconds, with one login between them and no
// restart; a change goes through the sandbox again; pause stops it; remove takes it off. A bot
// whose replies break the rules fails the sandbox with every reason shown and never posts.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { botRunnerConfigSpec, type BotRunnerContext, createBotRunnerService, createContext } from '@botsky/bot-runner';
import { type Bus, createBus, parseBusUrl } from '@botsky/bus';
import {
  type BotOutcome,
  BotOutcomeSchema,
  create,
  decode,
  encode,
  FailureReason,
  KV_BUCKETS,
  nowUs,
  OutcomeStatus,
  readRoster,
  ReplyTaskSchema,
  replyTaskId,
  SUBJECTS,
} from '@botsky/contracts';
import { type Devnet, type DevnetAccount, startDevnet } from '@botsky/devnet';
import { startGateway, type TestGateway } from '@botsky/gateway/testing';
import type { Service } from '@botsky/kit';
import { eventually, type InProcess, metricSum, natsUrl, startInProcess, suiteHooks } from '@botsky/kit/testing';
import { completion, OPENAI_KEY, type OpenAIStandIn, startOpenAIStandIn } from '@botsky/llm-stand-ins/openai';
import type { RecordedRequest } from '@botsky/llm-stand-ins/scripted-http';
import { runCli } from '../src/cli.ts';

const SECRET = 'registry-secret-for-tests';
const BOUND_MS = 5000;
const hooks = suiteHooks();
let net: Devnet;
let bus: Bus;
let gateway: TestGateway;
let kind: OpenAIStandIn;
let spammy: OpenAIStandIn;
let builderKey = '';
let builderKeyId = '';
let dir = '';
let person: DevnetAccount;
const bots: Record<string, { account: DevnetAccount; password: string }> = {};
const replicas: Array<InProcess<BotRunnerContext, Service>> = [];
const seen: BotOutcome[] = [];
let feeding: { stop: boolean; done?: Promise<void> } = { stop: true };

/** The model's answer: a friendly line, with the @mention it was asked for (the prompt says whom). */
function friendly(req: RecordedRequest): string {
  const asked = /Mention @(\S+?) exactly once/.exec(JSON.stringify(req.body))?.[1];
  return asked ? `Lovely basil! @${asked} grows herbs too, you two should talk.` : 'Lovely basil, enjoy the harvest!';
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    env: { BOTSKY_GATEWAY_URL: gateway.urls[0], BOTSKY_GATEWAY_KEY: builderKey, BOT_PASSWORD: bots.sunny?.password ?? '' },
    cwd: dir,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function botFile(name: string, body: Record<string, unknown>): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(body));
  return path;
}

async function startReplica(): Promise<void> {
  const env = {
    BOTSKY_BUS: natsUrl(),
    BOTSKY_NAMESPACE: gateway.namespace,
    BOTSKY_PDS_URL: net.pdsUrl,
    BOTSKY_PLC_URL: net.plcUrl,
    BOTSKY_HANDLE_RESOLVER_URL: net.pdsUrl,
    BOTSKY_RUNNER_CONCURRENCY: '2',
    BOTSKY_REGISTRY_SECRET: SECRET,
    BOTSKY_REGISTRY_POLL: '300',
    BOTSKY_GATEWAY_URL: gateway.urls[0] as string,
  };
  const parts = { name: 'bot-runner', configSpec: botRunnerConfigSpec, createContext, createService: createBotRunnerService };
  replicas.push(await startInProcess(hooks, parts, env, { bots: [] }, { log: 'warn' }));
}

/** The person posts and a task for `botId` follows, every 150 ms, until stopped. */
function feed(botId: string): void {
  const state = { stop: false } as { stop: boolean; done?: Promise<void> };
  state.done = (async () => {
    for (let i = 0; !state.stop; i++) {
      const post = await person.agent.post({ text: `Basil update ${i}: the seedlings are up` });
      const ref = { uri: post.uri, cid: post.cid };
      const task = create(ReplyTaskSchema, {
        taskId: replyTaskId(post.uri, 0),
        postRef: ref,
        post: { text: `Basil update ${i}`, langs: ['en'] },
        replyTo: { root: ref, parent: ref },
        authorDid: person.did,
        authorHandle: person.handle,
        botId,
        botDid: bots[botId]?.account.did ?? '',
        createdAtUs: nowUs(),
        deadlineUs: nowUs() + 600_000_000n,
      });
      await bus.publish(SUBJECTS.replyTask, encode(ReplyTaskSchema, task), { msgId: task.taskId });
      await new Promise((r) => setTimeout(r, 150));
    }
  })();
  feeding = state;
}

async function stopFeeding(): Promise<void> {
  feeding.stop = true;
  await feeding.done?.catch(() => undefined);
}

const sum = (name: string, labels: Record<string, string> = {}) => Promise.all(replicas.map((r) => metricSum(r.metrics, name, labels)));

before(async () => {
  net = await startDevnet();
  dir = await mkdtemp(join(tmpdir(), 'botsky-bots-'));
  kind = await startOpenAIStandIn([completion(friendly)]);
  spammy = await startOpenAIStandIn([completion('Great deals at https://spam.example.com, click now!')]);
  const price = { inputPerMillion: 1, outputPerMillion: 2 };
  gateway = await startGateway(hooks, {
    models: [
      { id: 'kind-1', provider: 'openai', baseUrl: kind.baseURL, apiKey: { env: 'UP' }, price },
      { id: 'spammy-1', provider: 'openai', baseUrl: spammy.baseURL, apiKey: { env: 'UP' }, price },
    ],
    secrets: { UP: OPENAI_KEY },
    env: { BOTSKY_REGISTRY_SECRET: SECRET },
  });
  bus = await createBus({ ...parseBusUrl(natsUrl()), namespace: gateway.namespace });
  await bus.ensureTopology();
  ({ key: builderKey, id: builderKeyId } = await gateway.makeKey(
    { requestsPerMinute: 10_000, tokensPerDay: 10_000_000, spendCapUsd: 10 },
    'ada',
  ));
  person = await net.createAccount({ handle: 'ana', password: 'pw-ana' });
  for (const handle of ['sunny', 'spammer']) {
    const account = await net.createAccount({ handle, password: `pw-${handle}` });
    const app = await account.agent.com.atproto.server.createAppPassword({ name: 'registry-test' });
    bots[handle] = { account, password: app.data.password };
  }
  await startReplica();
  await startReplica();
  await bus.follow(SUBJECTS.botOutcome, async (msg) => void seen.push(decode(BotOutcomeSchema, msg.data)));
});

after(async () => {
  await stopFeeding();
  for (const r of replicas) await r.stop().catch(() => undefined);
  await bus?.close();
  await kind?.close();
  await spammy?.close();
  await net?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('botsky bots: self-service bots', () => {
  it('a bot whose replies break the rules fails the sandbox, every refusal shown; it never posts', async () => {
    const file = await botFile('spammer.json', {
      id: 'spammer',
      handle: bots.spammer?.account.handle,
      appPassword: bots.spammer?.password,
      service: net.pdsUrl,
      provider: { kind: 'gateway', model: 'spammy-1' },
      systemPrompt: 'You sell things.',
    });
    const added = await cli('bots', 'add', '--file', file, '--wait', '60');
    assert.equal(added.code, 1, added.out + added.err);
    assert.match(added.out, /^spammer registered \(version 1\) for ada: in the sandbox$/m);
    assert.match(added.out, /^sandbox: failed, 0 of 3 sample posts answered acceptably/m);
    assert.equal((added.out.match(/refused: output rejected twice: .*link/g) ?? []).length, 3, added.out);
    const shown = await cli('bots', 'show', 'spammer');
    assert.match(shown.out, /^spammer\t@spammer\.test\tgateway:spammy-1\tversion 1\tfailed\tbuilder ada$/m);
    const roster = await readRoster(await bus.kv(KV_BUCKETS.bots));
    assert.ok(!roster.entries.some((e) => e.id === 'spammer'), 'a failed bot is not in the roster');
    const posted = await bots.spammer?.account.agent.com.atproto.repo.listRecords({
      repo: bots.spammer.account.did,
      collection: 'app.bsky.feed.post',
    });
    assert.equal(posted?.data.records.length, 0, 'nothing posted');
    assert.equal((await cli('bots', 'remove', 'spammer')).code, 0);
  });

  it('registered with `bots add`: passes the sandbox, both replicas answer within seconds with one login; change, pause, remove', async () => {
    const spec = {
      id: 'sunny',
      handle: bots.sunny?.account.handle,
      appPassword: { env: 'BOT_PASSWORD' },
      service: net.pdsUrl,
      provider: { kind: 'gateway', model: 'kind-1' },
      systemPrompt: 'You are Sunny, a cheerful gardener.',
      timeoutMs: 10_000,
    };
    const file = await botFile('sunny.json', spec);
    const registeredAtUs = nowUs();
    const added = await cli('bots', 'add', '--file', file);
    assert.equal(added.code, 0, added.out + added.err);
    assert.match(added.out, /^sandbox: passed, 3 of 3 sample posts answered acceptably/m);
    assert.match(
      added.out,
      /ok {3}".*" \(introduce @[a-z]+-\d{4}\.sandbox\.test\)\n {7}-> "Lovely basil! @[a-z]+-\d{4}\.sandbox\.test grows herbs too/,
    );
    assert.match(added.out, /^sunny is live/m);

    // Both replicas answer with it, within seconds, without a restart.
    feed('sunny');
    const replied = await eventually(
      'both replicas replying as sunny',
      async () => {
        const n = await sum('botsky_botrunner_replies_total', { bot: 'sunny', status: 'replied' });
        return n.every((x) => x > 0) && n;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const firstReply = seen.find((o) => o.botId === 'sunny' && o.status === OutcomeStatus.REPLIED);
    assert.ok(firstReply, 'an outcome for the reply');
    console.log(
      `first reply ${Number(firstReply.finishedAtUs - registeredAtUs) / 1e6} s after \`bots add\` began; replies per replica ${replied.join(', ')}`,
    );
    // One login between the sandbox and both replicas: the others resumed the shared session.
    assert.deepEqual(
      (await sum('botsky_botrunner_session_events_total', { bot: 'sunny', event: 'create' })).reduce((a, b) => a + b),
      1,
      'one login',
    );
    assert.ok((await sum('botsky_botrunner_shared_sessions_total', { event: 'resumed' })).reduce((a, b) => a + b) >= 1);
    // The model was called through the gateway with the builder's key: its spend is theirs.
    assert.ok((await gateway.settled(builderKeyId)).spentUsd > 0);

    // A change goes through the sandbox again; the replicas then run the new version.
    await writeFile(file, JSON.stringify({ ...spec, systemPrompt: 'You are Sunny, a cheerful gardener who loves basil.' }));
    const changed = await cli('bots', 'add', '--file', file, '--update');
    assert.equal(changed.code, 0, changed.out + changed.err);
    assert.match(changed.out, /^sunny changed \(version 2\)/m);
    await eventually(
      'both replicas run version 2',
      async () => (await sum('botsky_botrunner_registry_events_total', { event: 'loaded' })).every((n) => n >= 2),
      {
        timeoutMs: 20_000,
        intervalMs: 100,
      },
    );
    assert.equal(
      (await sum('botsky_botrunner_session_events_total', { bot: 'sunny', event: 'create' })).reduce((a, b) => a + b),
      1,
      'still one login',
    );

    // Pause: within 5 s no replica posts its replies.
    const paused = await cli('bots', 'pause', 'sunny', '--reason', 'prompt review');
    assert.equal(paused.code, 0, paused.err);
    const pausedAtUs = nowUs();
    assert.match(
      (await cli('bots', 'list')).out,
      /^sunny\t@sunny\.test\tgateway:kind-1\tversion 2\tlive, paused since .*: prompt review\tbuilder ada$/m,
    );
    await eventually('paused outcomes', () => seen.some((o) => o.botId === 'sunny' && o.failureReason === FailureReason.PAUSED), {
      timeoutMs: 20_000,
    });
    const boundUs = pausedAtUs + BigInt(BOUND_MS) * 1000n;
    await eventually('the bound passed, and more', () => nowUs() > boundUs + 2_000_000n, { timeoutMs: 20_000, intervalMs: 100 });
    assert.deepEqual(
      seen.filter((o) => o.botId === 'sunny' && o.status === OutcomeStatus.REPLIED && o.finishedAtUs > boundUs).map((o) => o.taskId),
      [],
      'no reply more than 5 s after the pause',
    );

    // Remove: off the registry, inactive in the roster, stopped on both replicas.
    const removed = await cli('bots', 'remove', 'sunny');
    assert.equal(removed.code, 0, removed.err);
    assert.match((await cli('bots', 'list')).out, /^no registered bots$/m);
    const entry = (await readRoster(await bus.kv(KV_BUCKETS.bots))).entries.find((e) => e.id === 'sunny');
    assert.equal(entry?.active, false, 'in the roster still (its past posts are a bot’s), inactive');
    await eventually(
      'both replicas stopped it',
      async () => (await sum('botsky_botrunner_registry_events_total', { event: 'unloaded' })).every((n) => n >= 1),
      {
        timeoutMs: 20_000,
        intervalMs: 100,
      },
    );
    const removedAtUs = nowUs();
    await new Promise((r) => setTimeout(r, 1500));
    await stopFeeding();
    assert.deepEqual(
      seen.filter((o) => o.botId === 'sunny' && o.status === OutcomeStatus.REPLIED && o.finishedAtUs > removedAtUs).map((o) => o.taskId),
      [],
      'no reply after removal',
    );
    assert.equal((await cli('bots', 'show', 'sunny')).code, 1);
  });

  it('a builder sees and changes only their own bots; bad input is refused before anything is stored', async () => {
    const other = await gateway.makeKey({ requestsPerMinute: 10, tokensPerDay: 1000, spendCapUsd: 1 }, 'bob');
    const api = (method: string, path: string, key: string, body?: unknown) =>
      fetch(`${gateway.urls[0]}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const spec = {
      id: 'mine',
      handle: 'mine.test',
      appPassword: 'not-used-xxxx',
      provider: { kind: 'grpc', address: '127.0.0.1:1' },
      systemPrompt: 'Mine.',
    };
    assert.equal((await api('POST', '/v1/bots', builderKey, spec)).status, 201);
    assert.equal((await api('GET', '/v1/bots/mine', other.key)).status, 404);
    assert.equal((await api('DELETE', '/v1/bots/mine', other.key)).status, 404);
    assert.equal((await api('POST', '/v1/bots/mine/pause', other.key, {})).status, 404);
    assert.deepEqual(((await (await api('GET', '/v1/bots', other.key)).json()) as { bots: unknown[] }).bots, []);
    assert.equal((await api('POST', '/v1/bots', builderKey, spec)).status, 409, 'the id is taken');
    assert.equal((await api('GET', '/v1/bots', 'bsk_nothing')).status, 401);
    const shown = (await (await api('GET', '/v1/bots/mine', builderKey)).json()) as Record<string, unknown>;
    assert.ok(!JSON.stringify(shown).includes('not-used-xxxx') && !('appPasswordSealed' in shown), 'no secret shown');
    const stored = await (await bus.kv(KV_BUCKETS.registry)).get('mine');
    assert.ok(stored && !new TextDecoder().decode(stored.value).includes('not-used-xxxx'), 'the app password is stored sealed');
    for (const [bad, why] of [
      [{ ...spec, id: 'Bad Id' }, /id: must be lowercase/],
      [{ ...spec, id: 'other', provider: { kind: 'gateway', model: 'nope' } }, /no model "nope"/],
      [{ ...spec, id: 'other', extra: 1 }, /extra: not a field/],
      [{ ...spec, id: 'other', timeoutMs: 5 }, /timeoutMs: must be an integer from 100/],
    ] as const) {
      const res = await api('POST', '/v1/bots', builderKey, bad);
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { error: { message: string } }).error.message, why);
    }
    assert.equal(await (await bus.kv(KV_BUCKETS.registry)).get('other'), undefined);
    assert.equal((await api('DELETE', '/v1/bots/mine', builderKey)).status, 200);
  });
});
