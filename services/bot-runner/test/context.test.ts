// What the model is told, on the local network with people on two PDSes (devnet PLC, NATS, the
// real openai SDK against a stand-in that records each request): the author lives on a second
// PDS, so their profile and recent posts can only come from the PDS their DID document names; the
// thread names its authors; the matchmaker's interests and last activity reach the prompt.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { create, MentionCandidateSchema, nowUs, OutcomeStatus, PostSchema, ReplyRefSchema } from '@botsky/contracts';
import type { DevnetAccount, SecondPds } from '@botsky/devnet';
import { Secret } from '@botsky/kit';
import { eventually, suiteHooks } from '@botsky/kit/testing';
import { completion, OPENAI_KEY, startOpenAIStandIn, type OpenAIStandIn } from '@botsky/llm-stand-ins/openai';
import {
  account,
  botEntry,
  outcomes,
  publishTask,
  replyTask,
  startRunner,
  startWorld,
  type RunningRunner,
  type World,
} from './helpers/world.ts';

describe('the model context (two PDSes, devnet PLC, NATS)', () => {
  let world: World;
  let runner: RunningRunner;
  let model: OpenAIStandIn;
  let second: SecondPds;
  let faraway: DevnetAccount;
  const hooks = suiteHooks();

  before(async () => {
    world = await startWorld(hooks, ['sunny', 'ben', 'cleo']);
    second = await world.net.startSecondPds();
    faraway = await second.createAccount({ handle: 'faraway', password: 'pw-faraway' });
    await faraway.agent.com.atproto.repo.putRecord({
      repo: faraway.did,
      collection: 'app.bsky.actor.profile',
      rkey: 'self',
      record: { $type: 'app.bsky.actor.profile', displayName: 'Far Away', description: 'Beekeeper on the other server' },
    });
    for (const text of ['Hive inspection went well today', 'Honey harvest is on for Saturday']) await faraway.agent.post({ text });
    const ben = account(world, 'ben');
    await ben.agent.post({ text: 'Ben here: my sourdough starter finally doubled' });
    const step = completion('Bees and bread, what a pair! @ben.test bakes, you two should trade honey for loaves.');
    model = await startOpenAIStandIn([step]);
    hooks.after(() => model.close());
    const bot = await botEntry(world, 'sunny', {
      kind: 'openai',
      model: 'gpt-stand-in',
      baseURL: model.baseURL,
      apiKey: new Secret(OPENAI_KEY),
      maxRetries: 0,
    });
    runner = await startRunner(world, [bot]);
    hooks.after(() => runner.stop());
  });

  test('the author on another PDS, the thread with its authors, interests and activity reach the model', async () => {
    // cleo (first PDS) starts a thread; faraway (second PDS) answers it; that answer is the post the bot replies to.
    const cleo = account(world, 'cleo');
    const root = await cleo.agent.post({ text: 'Who keeps bees around here?' });
    const text = 'I do! Three hives in the back garden';
    const post = await faraway.agent.post({ text, reply: { root, parent: root } });
    const task = replyTask({ ...world, accounts: new Map([...world.accounts, ['faraway', faraway]]) }, post, text, 'sunny', 'ben');
    task.post = create(PostSchema, { text, langs: ['en'], reply: { root, parent: root } });
    task.replyTo = create(ReplyRefSchema, { root, parent: post });
    task.authorInterests = ['beekeeping', 'honey'];
    task.mention = create(MentionCandidateSchema, {
      ...task.mention!,
      interests: ['sourdough', 'baking'],
      lastActiveUs: nowUs() - 60_000_000n,
    });
    await publishTask(world, task);
    const outcome = await eventually('the outcome', async () => (await outcomes(world)).find((o) => o.taskId === task.taskId), {
      intervalMs: 100,
    });
    assert.equal(outcome.status, OutcomeStatus.REPLIED, outcome.failureDetail);
    assert.equal(model.requests.length, 1);
    const user = String(
      (model.requests[0]!.body as { messages: { role: string; content: string }[] }).messages.find((m) => m.role === 'user')?.content,
    );
    const author = user.slice(user.indexOf('<author'), user.indexOf('</author>'));
    const mention = user.slice(user.indexOf('<mention'), user.indexOf('</mention>'));
    const thread = user.slice(user.indexOf('<thread'), user.indexOf('</thread>'));
    assert.match(author, /Beekeeper on the other server/, 'the profile, from the second PDS');
    assert.match(author, /Hive inspection went well today/, 'recent posts, from the second PDS');
    assert.match(author, /Honey harvest is on for Saturday/);
    assert.match(author, /<interests>beekeeping, honey<\/interests>/);
    assert.match(author, /<active_recently>yes<\/active_recently>/);
    assert.match(mention, /my sourdough starter finally doubled/, "the introduced person's recent posts");
    assert.match(mention, /<interests>sourdough, baking<\/interests>/);
    assert.match(mention, /<active_recently>yes<\/active_recently>/);
    assert.match(thread, /<post author="@cleo\.test">Who keeps bees around here\?<\/post>/, 'the thread names its author');
  });
});
