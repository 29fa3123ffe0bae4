// matchmaker names a person only under a handle verified both ways (here against a stand-in PLC
// directory and handle resolver, through the real @atproto/identity resolution over HTTP): never
// one whose handle does not resolve back, whatever the events said; a handle change announced by
// an #identity event is looked up afresh.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually } from '@botsky/kit/testing';
import { acked, ev, harness, person, PROJECT, publish, startReplica } from './helpers.ts';

const SOURDOUGH = 'Baked sourdough bread with a crusty loaf and a wild starter this morning';

describe('matchmaker and identities', { concurrency: true }, () => {
  it('never mentions a person whose handle does not verify, and mentions the others under their verified handles', async (t) => {
    const h = await harness(t);
    const r = await startReplica(h, { BOTSKY_BATTLE_RATE: '0', BOTSKY_MATCH_TOP_K: '2', BOTSKY_MENTION_DAILY_LIMIT: '100' });
    const [author, verified, disowned] = ['author', 'verified', 'disowned'].map(person) as [string, string, string];
    h.directory.disown(disowned);
    // The disowned person even announced their handle: the event is no proof.
    const optIns = [
      ev.follow(author, PROJECT),
      ev.follow(verified, PROJECT),
      ev.follow(disowned, PROJECT),
      ev.identity(disowned, h.directory.handleOf(disowned)),
    ];
    await publish(h.bus, optIns);
    await eventually('opt-ins handled', () => acked([r]) >= optIns.length);
    const setup = [ev.post(verified, SOURDOUGH), ev.post(disowned, `${SOURDOUGH} sourdough`)];
    await publish(h.bus, setup);
    await eventually('setup handled', () => acked([r]) >= optIns.length + setup.length);
    const posts = Array.from({ length: 12 }, (_, i) => ev.post(author, `Sourdough starter question ${i}: my bread loaf is flat`));
    await publish(h.bus, posts);
    await eventually('every post decided', () => posts.every((p) => h.out.decisionFor(p.uri) !== undefined), { timeoutMs: 20_000 });
    const mentions = posts
      .flatMap((p) => h.out.tasksFor(p.uri))
      .map((task) => task.mention)
      .filter((m) => m !== undefined);
    assert.ok(mentions.length >= 10, `only ${mentions.length} mentions`);
    for (const m of mentions) {
      assert.equal(m.did, verified, 'only the verified person is mentioned');
      assert.equal(m.handle, h.directory.handleOf(verified));
    }
    const rejected = posts.flatMap((p) => h.out.decisionFor(p.uri)?.candidates ?? []).filter((c) => c.did === disowned);
    assert.ok(
      rejected.every((c) => !c.eligible),
      'the disowned person is never an eligible candidate',
    );
  });

  it('follows a handle change announced by an #identity event', async (t) => {
    const h = await harness(t);
    const r = await startReplica(h, { BOTSKY_BATTLE_RATE: '0', BOTSKY_MENTION_DAILY_LIMIT: '100' });
    const [author, mover] = ['author2', 'mover'].map(person) as [string, string];
    const optIns = [ev.follow(author, PROJECT), ev.follow(mover, PROJECT)];
    await publish(h.bus, optIns);
    await eventually('opt-ins handled', () => acked([r]) >= optIns.length);
    await publish(h.bus, [ev.post(mover, SOURDOUGH)]);
    await eventually('setup handled', () => acked([r]) >= optIns.length + 1);
    const first = ev.post(author, 'My sourdough loaf is flat, any starter tips?');
    await publish(h.bus, [first]);
    await eventually('first decided', () => h.out.decisionFor(first.uri) !== undefined);
    assert.equal(
      h.out.tasksFor(first.uri)[0]?.mention?.handle,
      h.directory.handleOf(mover),
      JSON.stringify(h.out.decisionFor(first.uri), (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
    );
    h.directory.claim(mover, 'baker-extraordinaire.test');
    const moved = [
      ev.identity(mover, 'baker-extraordinaire.test'),
      ev.post(author, 'Sourdough again: how wet should the starter be for bread?'),
    ];
    await publish(h.bus, moved);
    await eventually('second decided', () => h.out.decisionFor(moved[1]!.uri) !== undefined);
    const m = h.out.tasksFor(moved[1]!.uri)[0]?.mention;
    assert.equal(m?.did, mover);
    assert.equal(m?.handle, 'baker-extraordinaire.test');
    // The author once (cached), the mover twice: before and after the event.
    const text = await r.metrics.registry.getSingleMetricAsString('botsky_matchmaker_identity_lookups_total');
    assert.equal(Number(/result="verified"[^}]*\} (\d+)/.exec(text)?.[1]), 3, text);
  });
});
