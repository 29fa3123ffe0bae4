// Every replica's profiles and online state come from the whole network stream (bus.follow),
// not from its share of the consumer group: a person whose posts were all consumed by replica A
// is known to replica B, which joined later (replaying the look-back) and decides alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually } from '@botsky/kit/testing';
import { acked, ev, harness, person, PROJECT, publish, startReplica } from './helpers.ts';

const SOURDOUGH = [
  'Baked sourdough bread with a crusty loaf',
  'My sourdough starter doubled overnight',
  'Rye loaf and sourdough crumb shots',
];
const CHESS = ['Chess openings: the Sicilian defence', 'Endgame tactics with rook and pawn', 'Blitz chess tournament tonight'];

describe('matchmaker state follower', () => {
  it('a replica knows the profiles built from posts another replica consumed', async (t) => {
    const h = await harness(t);
    const env = { BOTSKY_BATTLE_RATE: '0', BOTSKY_MATCH_TOP_K: '1', BOTSKY_MENTION_DAILY_LIMIT: '50' };
    const a = await startReplica(h, env);
    const [alice, baker, chess] = ['alice', 'baker', 'chess'].map(person) as [string, string, string];
    const before = [
      ev.follow(alice, PROJECT),
      ev.follow(baker, PROJECT),
      ev.follow(chess, PROJECT),
      ...SOURDOUGH.map((s) => ev.post(baker, s)),
      ...CHESS.map((s) => ev.post(chess, s)),
    ];
    await publish(h.bus, before);
    await eventually('replica A handled everything', () => acked([a]) >= before.length);

    const b = await startReplica(h, { ...env, BOTSKY_MATCH_SEED: '11' });
    await a.stop();
    const posts = [
      ev.post(alice, 'Any tips for a sourdough starter? My bread loaf is flat'),
      ev.post(alice, 'Which chess openings should a beginner learn before blitz?'),
    ];
    await publish(h.bus, posts);
    await eventually('the decisions', () => posts.every((p) => h.out.decisionFor(p.uri) !== undefined));
    // A decision is published inside the handler, so its ack can come just after it is seen.
    await eventually('replica B acked the new posts', () => acked([b]) >= posts.length);
    assert.equal(acked([b]), posts.length, 'replica B consumed only the new posts');
    const [bread, openings] = posts.map((p) => h.out.tasksFor(p.uri)[0]);
    assert.equal(bread?.mention?.did, baker, 'the baker, known to B only through the follower');
    assert.equal(openings?.mention?.did, chess);
    assert.match(h.out.decisionFor(posts[0]!.uri)?.chosen?.reason ?? '', /sourdough|loaf|starter|bread/);
  });
});
