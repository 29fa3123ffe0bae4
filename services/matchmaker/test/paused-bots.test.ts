// A bot an operator paused (`botsky bots pause`, the controls entry in NATS KV) is given no posts by
// any replica within seconds, in single replies and battles alike; resumed, it is given posts
// again. Nothing restarts. A controls entry that is not JSON keeps the last known pauses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BOT_CONTROLS_KEY, KV_BUCKETS, setBotPaused } from '@botsky/contracts';
import { eventually } from '@botsky/kit/testing';
import { acked, BOTS, ev, harness, person, PROJECT, publish, startReplica } from './helpers.ts';

const pause = { at: new Date().toISOString(), by: 'test', reason: 'review' };

describe('paused bots', () => {
  it('two replicas stop giving a paused bot posts within 2 s, and give it posts again once resumed', async (t) => {
    const h = await harness(t);
    const env = { BOTSKY_BATTLE_RATE: '0.5', BOTSKY_REPLY_DAILY_LIMIT: '1000', BOTSKY_REPLY_THREAD_LIMIT: '1000' };
    const replicas = [await startReplica(h, env), await startReplica(h, { ...env, BOTSKY_MATCH_SEED: '8' })];
    const authors = Array.from({ length: 6 }, (_, i) => person(`paused${i}`));
    await publish(
      h.bus,
      authors.map((a) => ev.follow(a, PROJECT)),
    );
    await eventually('opt-ins', () => acked(replicas) >= authors.length);
    const controls = await h.bus.kv(KV_BUCKETS.controls);
    const paused = BOTS[0]!.id;
    const round = async (tag: string) => {
      const posts = authors.flatMap((a, i) => [ev.post(a, `${tag} sourdough loaf number ${i}`), ev.post(a, `${tag} chess endgame ${i}`)]);
      await publish(h.bus, posts);
      await eventually(`${tag} decided`, () => posts.every((p) => h.out.decisionFor(p.uri) !== undefined), { timeoutMs: 20_000 });
      return posts.flatMap((p) => h.out.tasksFor(p.uri).map((task) => task.botId));
    };

    assert.ok((await round('before')).includes(paused), 'the bot answers before the pause');
    await setBotPaused(controls, paused, pause);
    await new Promise((r) => setTimeout(r, 2000));
    const during = await round('during');
    assert.ok(during.length > 0, 'the other bots still answer');
    assert.ok(!during.includes(paused), `no post went to the paused bot: ${during.join(', ')}`);

    // A garbled entry is not read as "nothing paused".
    await controls.put(BOT_CONTROLS_KEY, new TextEncoder().encode('{not json'));
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(!(await round('garbled')).includes(paused), 'the last known pause holds');
    const errors = await Promise.all(
      replicas.map(
        async (r) =>
          (await r.metrics.registry.getSingleMetric('botsky_matchmaker_control_read_errors_total')?.get())?.values[0]?.value ?? 0,
      ),
    );
    assert.ok(
      errors.every((n) => n > 0),
      `read errors counted on each replica: ${errors.join(', ')}`,
    );

    await setBotPaused(controls, paused, undefined);
    await new Promise((r) => setTimeout(r, 2000));
    assert.ok((await round('after')).includes(paused), 'resumed, it answers again');
  });
});
