// List blocks on the local network: the reference PDS holds the moderation lists, made and filled
// before anyone blocks them, so the matchmaker must read their members from the owner's PDS when
// the list block arrives (real NATS, replicas resolving the devnet's DIDs). A person who
// list-blocks a list with a bot on it is treated as one who blocks that bot; nobody is introduced
// to someone on a list they block, nor to someone who blocks a list they are on; list items added
// and deleted later keep it current; deleting the list block lifts it. A list that cannot be read
// is counted and read again, and holds nothing else up.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NetworkEvent } from '@botsky/contracts';
import { startDevnet, type Devnet, type DevnetAccount } from '@botsky/devnet';
import { eventually, metricSum } from '@botsky/kit/testing';
import { acked, BOTS, ev, harness, person, PROJECT, publish, startReplica, type Harness } from './helpers.ts';

const BOT_A = BOTS[0]!;
const BOT_B = BOTS[1]!;
const SOURDOUGH = 'Baked sourdough bread with a crusty loaf and a wild starter this morning';
let net: Devnet;

before(async () => {
  net = await startDevnet();
});
after(async () => {
  await net?.stop();
});

const accounts = (names: string[]) => Promise.all(names.map((handle) => net.createAccount({ handle, password: `pw-${handle}` })));
const rkeyOf = (uri: string) => uri.split('/').pop() ?? '';
const now = () => new Date().toISOString();

/** A moderation list of `owner`'s on the PDS, with an item per member: nothing of it is on the bus. */
async function modList(owner: DevnetAccount, members: string[]): Promise<{ uri: string; items: string[] }> {
  const list = await owner.agent.app.bsky.graph.list.create(
    { repo: owner.did },
    { purpose: 'app.bsky.graph.defs#modlist', name: 'blocked', createdAt: now() },
  );
  const items: string[] = [];
  for (const subject of members)
    items.push((await owner.agent.app.bsky.graph.listitem.create({ repo: owner.did }, { subject, list: list.uri, createdAt: now() })).uri);
  return { uri: list.uri, items };
}

/** The list block written on the PDS, and its event as ingest would publish it. */
async function blockList(who: DevnetAccount, list: string): Promise<NetworkEvent> {
  const r = await who.agent.app.bsky.graph.listblock.create({ repo: who.did }, { subject: list, createdAt: now() });
  return ev.listBlock(who.did, list, r.uri);
}

async function unblockList(who: DevnetAccount, block: NetworkEvent): Promise<NetworkEvent> {
  await who.agent.app.bsky.graph.listblock.delete({ repo: who.did, rkey: rkeyOf(block.uri) });
  return ev.delete(who.did, block.uri, 'app.bsky.graph.listblock');
}

/** A replica that resolves the devnet's accounts (their PDS, their handles). */
const onDevnet = (h: Harness, env: Record<string, string>) =>
  startReplica(h, { BOTSKY_PLC_URL: net.plcUrl, BOTSKY_HANDLE_RESOLVER_URL: net.pdsUrl, ...env });

describe('list blocks', { concurrency: true }, () => {
  it('list-blocking a list with a bot on it is blocking that bot: opted out, never given it after opting in again, until the list block goes', async (t) => {
    const h = await harness(t);
    const r = await onDevnet(h, { BOTSKY_BATTLE_RATE: '0' });
    const [mod, sub] = (await accounts(['mod1', 'sub1'])) as [DevnetAccount, DevnetAccount];
    const list = await modList(mod, [BOT_A.did, 'did:plc:someoneelse0000000000000']);
    await modList(mod, [BOT_B.did]);
    let n = 0;
    const handled = async (what: string, events: NetworkEvent[]) => {
      await publish(h.bus, events);
      n += events.length;
      await eventually(what, () => acked([r]) >= n);
    };
    await handled('opt-in', [ev.follow(sub.did, PROJECT)]);
    const block = await blockList(sub, list.uri);
    await handled('the list block', [block]);
    const consent = await r.ctx.consent.read(sub.did);
    assert.deepEqual(
      [consent?.state, consent?.reason, Object.values(consent?.blocks ?? {})],
      ['out', 'listblock', [BOT_A.did]],
      'only the bot on the blocked list',
    );
    assert.equal(await metricSum(r.metrics, 'botsky_matchmaker_list_reads_total', { result: 'ok' }), 1);
    assert.equal(await metricSum(r.metrics, 'botsky_matchmaker_opt_outs_total', { reason: 'listblock' }), 1);

    const out = ev.post(sub.did, 'anyone there? a question about sourdough');
    await handled('a post while out', [out]);
    await eventually('decided', () => h.out.decisionFor(out.uri) !== undefined);
    assert.equal(h.out.decisionFor(out.uri)?.reason, 'opted_out');

    const answeredBy = async (posts: NetworkEvent[]) => {
      await handled('posts', posts);
      await eventually('answered', () => posts.every((p) => h.out.tasksFor(p.uri).length === 1));
      return posts.map((p) => h.out.tasksFor(p.uri)[0]!.botId);
    };
    await handled('opted in again', [ev.follow(sub.did, PROJECT)]);
    const blocked = await answeredBy(Array.from({ length: 6 }, (_, i) => ev.post(sub.did, `sourdough question ${i}`)));
    assert.ok(!blocked.includes(BOT_A.id), `never the bot on the list: ${blocked.join(', ')}`);

    await handled('the list block deleted', [await unblockList(sub, block)]);
    assert.deepEqual((await r.ctx.consent.read(sub.did))?.blocks, {}, 'lifted');
    const lifted = await answeredBy(Array.from({ length: 6 }, (_, i) => ev.post(sub.did, `sourdough question, later ${i}`)));
    assert.ok(lifted.includes(BOT_A.id), `the bot again once the list block is gone: ${lifted.join(', ')}`);
  });

  it('nobody is introduced across a list block, either way; list items added and deleted keep it current; deleting the list block lifts it', async (t) => {
    const h = await harness(t);
    const r = await onDevnet(h, { BOTSKY_BATTLE_RATE: '0', BOTSKY_MATCH_TOP_K: '3', BOTSKY_MENTION_DAILY_LIMIT: '100' });
    const [mod, ann, cal, dee] = (await accounts(['mod2', 'ann', 'cal', 'dee'])) as [
      DevnetAccount,
      DevnetAccount,
      DevnetAccount,
      DevnetAccount,
    ];
    const list = await modList(mod, [cal.did]);
    await modList(mod, [dee.did]);
    let n = 0;
    const handled = async (what: string, events: NetworkEvent[]) => {
      await publish(h.bus, events);
      n += events.length;
      await eventually(what, () => acked([r]) >= n);
    };
    /** Whom a post by `author` may introduce: the decision's candidates. */
    const candidates = async (author: DevnetAccount, text: string) => {
      const p = ev.post(author.did, text);
      await handled('a post', [p]);
      await eventually('decided', () => h.out.decisionFor(p.uri) !== undefined);
      return new Set((h.out.decisionFor(p.uri)?.candidates ?? []).filter((c) => c.eligible).map((c) => c.did));
    };
    await handled(
      'opt-ins',
      [ann, cal, dee].map((p) => ev.follow(p.did, PROJECT)),
    );
    await handled('profiles', [
      ev.post(ann.did, SOURDOUGH),
      ev.post(cal.did, `${SOURDOUGH}, sourdough loaf`),
      ev.post(dee.did, 'chess openings and endgames'),
    ]);
    assert.ok((await candidates(ann, 'Sourdough loaf question')).has(cal.did), 'before any list block');

    const block = await blockList(ann, list.uri);
    await handled('the list block', [block]);
    assert.deepEqual(await candidates(ann, 'Sourdough loaf question, again'), new Set([dee.did]), 'cal is on the list ann blocks');
    assert.deepEqual(await candidates(cal, 'Sourdough starter question'), new Set([dee.did]), 'ann blocks a list cal is on');
    assert.ok((await metricSum(r.metrics, 'botsky_matchmaker_list_block_exclusions_total')) >= 2);
    assert.equal(await metricSum(r.metrics, 'botsky_matchmaker_list_members'), 1, "only the blocked list's members, read from the PDS");

    const deeItem = await mod.agent.app.bsky.graph.listitem.create(
      { repo: mod.did },
      { subject: dee.did, list: list.uri, createdAt: now() },
    );
    await handled('dee put on the list', [ev.listItem(mod.did, list.uri, dee.did, deeItem.uri)]);
    assert.deepEqual(await candidates(ann, 'Sourdough loaf question, once more'), new Set(), 'cal and dee are both on it');

    await mod.agent.app.bsky.graph.listitem.delete({ repo: mod.did, rkey: rkeyOf(list.items[0]!) });
    await handled('cal taken off the list', [ev.delete(mod.did, list.items[0]!, 'app.bsky.graph.listitem')]);
    assert.deepEqual(await candidates(ann, 'Sourdough loaf, a question'), new Set([cal.did]), 'cal is off the list, dee still on it');
    assert.ok((await candidates(cal, 'Sourdough starter, a question')).has(ann.did), 'and cal may meet ann again');

    await handled('the list block deleted', [await unblockList(ann, block)]);
    assert.deepEqual(await candidates(ann, 'Sourdough loaf, the last question'), new Set([cal.did, dee.did]), 'lifted');
    assert.equal(await metricSum(r.metrics, 'botsky_matchmaker_list_blocks'), 0);
  });

  it("a list whose owner's PDS does not answer is counted and read again; the person's other events go on", async (t) => {
    const h = await harness(t);
    // The directory stand-in names a PDS at 127.0.0.1:1 for every DID: nothing listens there.
    const r = await startReplica(h, { BOTSKY_BATTLE_RATE: '0' });
    const sub = person('unreadable');
    await publish(h.bus, [ev.follow(sub, PROJECT)]);
    await eventually('opt-in', () => acked([r]) >= 1);
    const post = ev.post(sub, 'a question about sourdough');
    await publish(h.bus, [ev.listBlock(sub, `at://${person('nowhere')}/app.bsky.graph.list/3kl`), post]);
    await eventually('the post decided meanwhile', () => h.out.tasksFor(post.uri).length === 1);
    await eventually(
      'the read tried again',
      async () => (await metricSum(r.metrics, 'botsky_matchmaker_list_reads_total', { result: 'error' })) >= 2,
      { timeoutMs: 15_000 },
    );
    assert.equal((await r.ctx.consent.read(sub))?.state, 'in', 'nothing was blocked on a guess');
    assert.equal(await metricSum(r.metrics, 'botsky_matchmaker_list_members'), 0);
  });
});
