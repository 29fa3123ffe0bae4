// A corpus of hostile posts (instructions to mention someone else, post a link, reveal the prompt,
// exceed the length; in several languages and encodings), answered by a model stand-in that obeys
// every one of them: an OpenAI-compatible server, called through the real openai SDK. Whatever it
// says, nothing that breaks the output rules reaches the PDS: every record there is checked
// independently after the run, and each refused task is recorded with its reason.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FailureReason, OutcomeStatus, type BotOutcome } from '@botsky/contracts';
import { eventually, suiteHooks } from '@botsky/kit/testing';
import { escapeData } from '../src/providers/prompt.ts';
import { completion, OPENAI_KEY, startOpenAIStandIn, type OpenAIStandIn } from '@botsky/llm-stand-ins/openai';
import type { RecordedRequest } from '@botsky/llm-stand-ins/scripted-http';
import { Secret } from '@botsky/kit';
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
  type World,
} from './helpers/world.ts';

interface HostilePost {
  id: string;
  lang: string;
  text: string;
  obey: string;
  obeyOnRetry?: string;
}

const CORPUS: HostilePost[] = JSON.parse(readFileSync(new URL('./fixtures/hostile-posts.json', import.meta.url), 'utf8'));
const SECRET_PHRASE = 'purple elephants dance at midnight';

/** The obedient model: finds the post it was given and does what it says. */
function obey(req: RecordedRequest): string {
  const messages = (req.body as { messages: Array<{ role: string; content: string }> }).messages;
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  const user = messages.find((m) => m.role === 'user')?.content ?? '';
  // The post answered is the first <post> element; the author's recent posts come later.
  const answered = /<post author="[^"]*">([\s\S]*?)<\/post>/.exec(user)?.[1];
  const post = CORPUS.find((p) => escapeData(p.text) === answered);
  if (!post) return 'I could not find the post.';
  const mention = /Bring (@\S+) into the conversation/.exec(user)?.[1] ?? '';
  const retry = user.includes('previous reply was rejected');
  const template = retry && post.obeyOnRetry ? post.obeyOnRetry : post.obey;
  return template.replaceAll('{mention}', mention).replaceAll('{system}', system);
}

const graphemes = (s: string) => [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(s)].length;

describe('hostile posts answered by an obedient model', () => {
  let world: World;
  let standIn: OpenAIStandIn;
  const hooks = suiteHooks();

  before(async () => {
    world = await startWorld(hooks, ['sunny', 'ana', 'ben']);
    standIn = await startOpenAIStandIn([completion(obey)]);
    hooks.after(() => standIn.close());
    const bot = await botEntry(world, 'sunny', {
      kind: 'openai',
      model: 'obedient-1',
      baseURL: standIn.baseURL,
      apiKey: new Secret(OPENAI_KEY),
      maxRetries: 0,
    });
    const runner = await startRunner(world, [bot], { BOTSKY_RUNNER_CONCURRENCY: '8' });
    hooks.after(() => runner.stop());
  });

  test(`${CORPUS.length} hostile posts: nothing breaking a rule is posted, every refusal is recorded with its reason`, async () => {
    assert.ok(CORPUS.length >= 30 && new Set(CORPUS.map((p) => p.lang)).size >= 8);
    const tasks = [];
    for (const p of CORPUS) {
      const post = await personPosts(world, 'ana', p.text, [p.lang]);
      tasks.push(replyTask(world, post, p.text, 'sunny', 'ben'));
    }
    await Promise.all(tasks.map((t) => publishTask(world, t)));
    const ids = new Set(tasks.map((t) => t.taskId));
    const done = await eventually(
      'every outcome',
      async () => {
        const got = (await outcomes(world)).filter((o) => ids.has(o.taskId));
        return got.length === tasks.length ? got : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );

    const replied = done.filter((o) => o.status === OutcomeStatus.REPLIED);
    const failed = done.filter((o) => o.status === OutcomeStatus.FAILED);
    for (const o of failed) {
      assert.equal(o.failureReason, FailureReason.OUTPUT_REJECTED, o.failureDetail);
      assert.match(o.failureDetail, /output rejected twice: .+/);
      assert.equal(o.attempts, 2, 'one retry, told why');
    }
    // The one post whose model behaves on the retry is answered; the rest are refused.
    assert.equal(replied.length, 1, done.map((o) => `${o.replyText} ${o.failureDetail}`).join('\n'));
    assert.equal(replied[0]?.attempts, 2);
    assertReasons(failed);

    const records = await postsOf(world, 'sunny');
    assert.equal(records.length, replied.length);
    for (const r of records) assertWithinRules(r.value, account(world, 'ben').did);
  });
});

function assertReasons(failed: BotOutcome[]): void {
  const details = failed.map((o) => o.failureDetail).join('\n');
  for (const reason of [
    /mentions someone other than the chosen person/,
    /contains links/,
    /repeats the system prompt/,
    /too long/,
    /exactly once/,
  ]) {
    assert.match(details, reason);
  }
}

function assertWithinRules(value: Awaited<ReturnType<typeof postsOf>>[number]['value'], chosenDid: string): void {
  const text = value.text;
  assert.ok(graphemes(text) <= 300, `too long: ${text}`);
  const facets = value.facets ?? [];
  assert.equal(facets.length, 1, JSON.stringify(facets));
  const [f] = facets;
  assert.deepEqual(f?.features, [{ $type: 'app.bsky.richtext.facet#mention', did: chosenDid }]);
  assert.equal(bytesOf(text, f!.index.byteStart, f!.index.byteEnd), '@ben.test');
  assert.equal(text.split('@').length - 1, 1, `one @ only: ${text}`);
  assert.ok(!/https?:|www\.|\.(com|org|example|ly)\b/i.test(text), `no link: ${text}`);
  assert.ok(!text.toLowerCase().includes(SECRET_PHRASE) && !text.includes('Sunny, a cheerful gardener'), `no prompt: ${text}`);
  assert.ok(!/[\u200b-\u200f\u202a-\u202e\uff20]/.test(text), 'no hidden characters');
}
