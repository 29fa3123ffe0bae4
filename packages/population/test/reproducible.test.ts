import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startDevnet } from '@botsky/devnet';
import { generatePopulation, TOPICS, type Topic } from '../src/index.ts';
import { Simulation, type Decision } from '../src/driver/index.ts';
import { eventually } from '@botsky/async';
import { botReply, listAll } from './helpers.ts';

interface Outcome {
  posts: string[][];
  decisions: Decision[];
}

/** A whole run on a fresh network: the population posts, a bot answers and introduces, people react. */
async function scenario(seed: number): Promise<Outcome> {
  const net = await startDevnet(existsSync('/dev/shm') ? { dataDir: join('/dev/shm', `population-${randomUUID()}`) } : {});
  const bot = await net.createAccount({ handle: 'bot-one', password: 'pw' }).catch(async (err) => {
    await net.stop();
    throw err;
  });
  const sim = new Simulation({
    pdsUrl: net.pdsUrl,
    people: generatePopulation({ size: 4, seed, optInShare: 1 }),
    seed,
    projectDid: bot.did,
    botQuality: new Map([[bot.did, 0.7]]),
    accounts: (req) => net.createAccount(req),
    onError: (err) => console.error(err, err.cause),
  });
  try {
    await sim.setup();
    for (let i = 0; i < 4; i++) await sim.tick(30);
    const accounts = sim.accounts();
    const posts = await Promise.all(accounts.map((a) => listAll(bot.agent, a.did, 'app.bsky.feed.post')));
    let planted = 0;
    for (const [i, list] of posts.entries()) {
      const oldest = list.at(-1);
      if (!oldest) continue;
      const next = accounts[(i + 1) % accounts.length]!;
      const topic = Object.keys(TOPICS)[i % 16] as Topic;
      await botReply(bot.agent, oldest, `Lovely. @${next.handle} is into ${TOPICS[topic][0]} too, have you met?`);
      await botReply(bot.agent, oldest, `More ${TOPICS[topic][1]} please`);
      planted += 2;
    }
    await eventually('bot replies on the firehose', () => sim.stats.botPostsSeen >= planted);
    await sim.tick(300);
    const after = await Promise.all(accounts.map((a) => listAll(bot.agent, a.did, 'app.bsky.feed.post')));
    return { posts: after.map((list) => list.map((r) => String(r.value.text)).reverse()), decisions: [...sim.decisions] };
  } finally {
    await sim.close();
    await net.stop();
  }
}

test('the same seed gives the same posts and the same decisions on two fresh networks', async () => {
  const [a, b] = await Promise.all([scenario(11), scenario(11)]);
  assert.ok(a.decisions.length >= 4, `${a.decisions.length} decisions`);
  assert.ok(
    a.decisions.some((d) => d.like || d.reply),
    'someone reacted',
  );
  assert.deepEqual(b.decisions, a.decisions);
  assert.deepEqual(b.posts, a.posts);
});
