// Introductions only under verified handles, on the local network (devnet PDS and PLC, NATS, the
// real openai SDK against a stand-in): a handle looked up again before it is written (the task's
// may be stale), a chosen person whose handle no longer verifies left unmentioned (and no
// introduction recorded), and model replies whose mention is missing or names the wrong handle
// rejected, with no introduction recorded for them.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { create, FailureReason, MentionCandidateSchema, OutcomeStatus } from '@botsky/contracts';
import { Secret } from '@botsky/kit';
import { eventually, metricSum, suiteHooks } from '@botsky/kit/testing';
import { completion, OPENAI_KEY, startOpenAIStandIn, type OpenAIStandIn } from '@botsky/llm-stand-ins/openai';
import {
  account,
  botEntry,
  bytesOf,
  outcomes,
  personPosts,
  postsOf,
  publishTask,
  replyTask,
  startRunner,
  startWorld,
  type RunningRunner,
  type World,
} from './helpers/world.ts';

/** What the stand-in model says: a reply naming whatever the request's prompt asks it to, or a fixed text. */
let say: (prompt: string) => string = () => '';

describe('mentions under verified handles (devnet PDS + PLC + NATS)', () => {
  let world: World;
  let runner: RunningRunner;
  let model: OpenAIStandIn;
  const hooks = suiteHooks();

  before(async () => {
    world = await startWorld(hooks, ['sunny', 'ana', 'ben', 'cleo', 'dora']);
    const step = completion((req) => say(JSON.stringify(req.body)));
    model = await startOpenAIStandIn(Array.from({ length: 50 }, () => step));
    hooks.after(() => model.close());
    const bot = await botEntry(world, 'sunny', {
      kind: 'openai',
      model: 'gpt-stand-in',
      baseURL: model.baseURL,
      apiKey: new Secret(OPENAI_KEY),
      maxRetries: 0,
    });
    runner = await startRunner(world, [bot], { BOTSKY_IDENTITY_TTL: '1s' });
    hooks.after(() => runner.stop());
  });

  async function run(text: string, mention: string | undefined, edit: (t: ReturnType<typeof replyTask>) => void = () => undefined) {
    const post = await personPosts(world, 'ana', text);
    const task = replyTask(world, post, text, 'sunny', mention);
    edit(task);
    await publishTask(world, task);
    return eventually('the outcome', async () => (await outcomes(world)).find((o) => o.taskId === task.taskId), { intervalMs: 100 });
  }

  test('a stale handle in the task: the reply names the handle that verifies now', async () => {
    say = () => 'Lovely! @ben.test grows tomatoes too, you two should compare notes.';
    const outcome = await run('My tomatoes are finally red', 'ben', (t) => {
      t.mention = create(MentionCandidateSchema, { ...t.mention!, handle: 'old-ben.test' });
    });
    assert.equal(outcome.status, OutcomeStatus.REPLIED, outcome.failureDetail);
    assert.equal(outcome.mentionDid, account(world, 'ben').did);
    const reply = (await postsOf(world, 'sunny')).find((p) => p.uri === outcome.reply?.uri);
    const facet = reply?.value.facets?.find((f) => f.features.some((x) => x.$type === 'app.bsky.richtext.facet#mention'));
    assert.ok(reply && facet);
    assert.equal(bytesOf(reply.value.text, facet.index.byteStart, facet.index.byteEnd), '@ben.test');
    assert.equal(facet.features[0]?.did, account(world, 'ben').did);
  });

  test('a reply that leaves out the chosen person, or names another handle, is rejected and records no introduction', async () => {
    say = () => 'What a harvest, enjoy every bite!';
    const missing = await run('Harvested basil today', 'cleo');
    assert.equal(missing.status, OutcomeStatus.FAILED);
    assert.equal(missing.failureReason, FailureReason.OUTPUT_REJECTED);
    assert.match(missing.failureDetail, /must mention @cleo\.test exactly once \(found 0\)/);
    assert.equal(missing.mentionDid, '');
    say = () => 'Ask @dora.test about basil, she knows it all.';
    const wrong = await run('Basil keeps bolting', 'cleo');
    assert.equal(wrong.status, OutcomeStatus.FAILED);
    assert.match(wrong.failureDetail, /mentions someone other than the chosen person: dora\.test/);
    assert.equal(wrong.mentionDid, '');
    assert.equal((await postsOf(world, 'sunny')).filter((p) => p.value.text.includes('basil')).length, 0, 'neither was posted');
  });

  test('a chosen person whose handle no longer verifies is not mentioned, and no introduction is recorded', async () => {
    const dora = account(world, 'dora');
    await world.net.claimHandleInPlc(dora.did, 'ghost.test');
    // The TTL is 1 s: wait it out, so the cached verification of dora.test (if any) has expired.
    await new Promise((r) => setTimeout(r, 1100));
    say = (prompt) =>
      prompt.includes('dora') || prompt.includes('ghost') ? 'Say hi to @ghost.test!' : 'Those peppers look great, well done!';
    const outcome = await run('Peppers are in', 'dora');
    assert.equal(outcome.status, OutcomeStatus.REPLIED, outcome.failureDetail);
    assert.equal(outcome.mentionDid, '', 'no introduction');
    const reply = (await postsOf(world, 'sunny')).find((p) => p.uri === outcome.reply?.uri);
    assert.ok(reply);
    assert.doesNotMatch(reply.value.text, /@/);
    assert.equal((reply.value.facets ?? []).length, 0);
    assert.ok(!model.requests.some((r) => JSON.stringify(r.body).includes('ghost.test')), 'the model was never told the unverified handle');
    assert.equal(
      await metricSum(runner.metrics, 'botsky_botrunner_mentions_dropped_total', { bot: 'sunny', reason: 'handle-unverified' }),
      1,
    );
  });
});
