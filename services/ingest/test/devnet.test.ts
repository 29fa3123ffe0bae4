// ingest against the real thing: the reference PDS (packages/devnet) as the firehose and the
// real NATS JetStream, one network shared by the file's two suites.
// 1. Commits verified against the PLC: people post, reply, like, repost, follow, block, delete
//    and edit their profile; every record arrives as exactly one event with the right fields, and
//    the accounts' identity and account events come too. Posts that quote, carry images or a
//    link card, and tags, arrive with their embed and tags. A moderation list's items and a list
//    block of it arrive as listItem and listBlock events, their deletions as deletes.
// 2. ingest as its own process, killed with SIGKILL in the middle of a burst of writes and started
//    again: every record of the burst (including those written while it was dead) is in the
//    network stream exactly once. The restart replays what came after the saved cursor (saved
//    every second, only past acked events): the message ids make those replays duplicates the
//    stream refuses, and counting the stream shows none got in, and none is missing.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { RichText } from '@atproto/api';
import { startDevnet, type Devnet, type DevnetAccount } from '@botsky/devnet';
import { AccountStatus, NetworkSource } from '@botsky/contracts';
import { deleteTestNamespace, eventually, runNode, suiteHooks, waitForOutput } from '@botsky/kit/testing';
import { natsUrl, networkStream, sleep, startIngest, streamCount, testNamespace, type RunningIngest, type StoredEvent } from './helpers.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
// A 1x1 PNG, for an image blob the PDS accepts.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
let net: Devnet;

before(async () => {
  net = await startDevnet();
});
after(async () => {
  await net?.stop();
});

describe('ingest on the local PDS', () => {
  const hooks = suiteHooks();
  const ns = testNamespace('ingdev');
  let ingest: RunningIngest;

  before(async () => {
    ingest = await startIngest(hooks, {
      BOTSKY_NAMESPACE: ns,
      BOTSKY_INGEST_URL: net.firehoseUrl,
      BOTSKY_INGEST_VERIFY: 'true',
      BOTSKY_PLC_URL: net.plcUrl,
    });
    await ingest.svc.whenConnected();
  });
  after(async () => {
    await ingest?.stop();
    await deleteTestNamespace(ns);
  });

  it('turns every record into exactly one event with the right fields', async () => {
    const [alice, bob, carol] = (await Promise.all(
      ['alice', 'bob', 'carol'].map((h) => net.createAccount({ handle: h, password: `pw-${h}` })),
    )) as [DevnetAccount, DevnetAccount, DevnetAccount];
    const rt = new RichText({ text: 'climbing with @bob.test today, see https://example.com/crag' });
    await rt.detectFacets(alice.agent);
    const root = await alice.agent.post({ text: rt.text, facets: rt.facets, langs: ['en'] });
    const reply = await bob.agent.post({ text: 'count me in', langs: ['en', 'pt-BR'], reply: { root, parent: root } });
    const like = await carol.agent.like(root.uri, root.cid);
    const repost = await carol.agent.repost(reply.uri, reply.cid);
    const follow = await bob.agent.follow(alice.did);
    const block = await carol.agent.app.bsky.graph.block.create(
      { repo: carol.did },
      { subject: bob.did, createdAt: new Date().toISOString() },
    );
    const gone = await alice.agent.post({ text: 'oops' });
    await alice.agent.deletePost(gone.uri);
    await carol.agent.upsertProfile(() => ({
      displayName: 'Carol',
      description: 'beep',
      labels: { $type: 'com.atproto.label.defs#selfLabels', values: [{ val: 'bot' }] },
    }));

    const records = [root.uri, reply.uri, like.uri, repost.uri, follow.uri, block.uri, gone.uri];
    let stored: StoredEvent[] = [];
    await eventually('every record in the network stream', async () => {
      stored = await networkStream(ns);
      return stored.some((s) => s.event.payload.case === 'profile') && stored.some((s) => s.event.payload.case === 'delete');
    });

    const byUri = (uri: string) => stored.filter((s) => s.event.uri === uri && s.event.payload.case !== 'delete');
    for (const uri of records) assert.equal(byUri(uri).length, 1, `${uri} once`);
    assert.equal(new Set(stored.map((s) => s.msgId)).size, stored.length, 'no message twice');
    assert.ok(stored.every((s) => s.event.source === NetworkSource.FIREHOSE && s.event.seq > 0n && s.event.timeUs > 0n));

    const p = byUri(root.uri)[0] as StoredEvent;
    assert.equal(p.subject, 'botsky.network.post');
    assert.equal(p.msgId, `${root.uri}#${root.cid}`);
    assert.ok(p.event.payload.case === 'post');
    const post = p.event.payload.value;
    // Facet ranges count UTF-8 bytes up to where each piece starts ('' : the end).
    const at = (piece: string) => Buffer.byteLength(piece ? rt.text.slice(0, rt.text.indexOf(piece)) : rt.text);
    assert.deepEqual([p.event.did, p.event.cid, post.text, post.langs, post.mentions], [alice.did, root.cid, rt.text, ['en'], [bob.did]]);
    assert.deepEqual(
      post.facets.map((f) => [f.byteStart, f.byteEnd, f.feature.case, f.feature.value]),
      [
        [at('@bob'), at(' today'), 'mentionDid', bob.did],
        [at('https'), at(''), 'linkUri', 'https://example.com/crag'],
      ],
    );
    assert.ok(post.createdAtUs > 0n && p.event.rev !== '');

    const r = (byUri(reply.uri)[0] as StoredEvent).event;
    assert.ok(r.payload.case === 'post');
    assert.deepEqual(r.payload.value.langs, ['en', 'pt-BR']);
    assert.deepEqual([r.payload.value.reply?.root?.uri, r.payload.value.reply?.parent?.cid], [root.uri, root.cid]);

    const l = (byUri(like.uri)[0] as StoredEvent).event;
    assert.ok(l.payload.case === 'like');
    assert.deepEqual([l.did, l.payload.value.subject?.uri, l.payload.value.subject?.cid], [carol.did, root.uri, root.cid]);
    const rp = (byUri(repost.uri)[0] as StoredEvent).event;
    assert.ok(rp.payload.case === 'repost');
    assert.equal(rp.payload.value.subject?.uri, reply.uri);
    const f = (byUri(follow.uri)[0] as StoredEvent).event;
    assert.ok(f.payload.case === 'follow');
    assert.deepEqual([f.did, f.payload.value.subjectDid], [bob.did, alice.did]);
    const b = (byUri(block.uri)[0] as StoredEvent).event;
    assert.ok(b.payload.case === 'block');
    assert.deepEqual([b.did, b.payload.value.subjectDid], [carol.did, bob.did]);

    const deletes = stored.filter((s) => s.event.payload.case === 'delete');
    assert.equal(deletes.length, 1);
    const d = (deletes[0] as StoredEvent).event;
    assert.ok(d.payload.case === 'delete');
    assert.deepEqual(
      [d.uri, d.cid, d.payload.value.collection, d.payload.value.rkey],
      [gone.uri, '', 'app.bsky.feed.post', gone.uri.split('/').pop()],
    );

    const profiles = stored.filter((s) => s.event.payload.case === 'profile');
    assert.equal(profiles.length, 1);
    const pr = (profiles[0] as StoredEvent).event;
    assert.ok(pr.payload.case === 'profile');
    assert.deepEqual(
      [pr.did, pr.payload.value.displayName, pr.payload.value.description, pr.payload.value.selfLabels],
      [carol.did, 'Carol', 'beep', ['bot']],
    );

    for (const who of [alice, bob, carol]) {
      const identity = stored.find((s) => s.event.did === who.did && s.event.payload.case === 'identity')?.event;
      assert.ok(identity?.payload.case === 'identity');
      assert.equal(identity.payload.value.handle, who.handle);
      const account = stored.find((s) => s.event.did === who.did && s.event.payload.case === 'account')?.event;
      assert.ok(account?.payload.case === 'account');
      assert.deepEqual([account.payload.value.active, account.payload.value.status], [true, AccountStatus.ACTIVE]);
    }
    // Every commit verified against the PLC's keys: nothing rejected.
    const rejected = await ingest.metrics.registry.getSingleMetric('botsky_ingest_decode_errors_total')?.get();
    assert.deepEqual(rejected?.values, []);
  });

  it('carries what real posts embed (quote, quote with images, link card) and their tags', async () => {
    const dan = await net.createAccount({ handle: 'dan', password: 'pw-dan' });
    const quoted = await dan.agent.post({ text: 'quote me' });
    const strongRef = { uri: quoted.uri, cid: quoted.cid };
    const external = { uri: 'https://example.com/article', title: 'An article', description: 'what it says' };
    const card = await dan.agent.post({
      text: 'read this',
      tags: ['reading', 'longform'],
      embed: { $type: 'app.bsky.embed.external', external },
    });
    const quote = await dan.agent.post({ text: 'so true', embed: { $type: 'app.bsky.embed.record', record: strongRef } });
    const { data } = await dan.agent.uploadBlob(PNG, { encoding: 'image/png' });
    const images = [
      { image: data.blob, alt: 'a red dot' },
      { image: data.blob, alt: '' },
    ];
    const media = await dan.agent.post({
      text: 'look',
      embed: {
        $type: 'app.bsky.embed.recordWithMedia',
        record: { $type: 'app.bsky.embed.record', record: strongRef },
        media: { $type: 'app.bsky.embed.images', images },
      },
    });

    let stored: StoredEvent[] = [];
    await eventually('the embedding posts in the network stream', async () => {
      stored = await networkStream(ns);
      return stored.some((s) => s.event.uri === media.uri);
    });
    const postOf = (uri: string) => {
      const found = stored.filter((s) => s.event.uri === uri);
      assert.equal(found.length, 1, `${uri} once`);
      const p = (found[0] as StoredEvent).event.payload;
      assert.ok(p.case === 'post');
      return p.value;
    };
    assert.equal(postOf(quoted.uri).embed, undefined);
    const c = postOf(card.uri);
    assert.deepEqual(
      [c.embed?.externalUri, c.embed?.externalTitle, c.embed?.externalDescription, c.embed?.record, c.tags],
      [external.uri, external.title, external.description, undefined, ['reading', 'longform']],
    );
    const q = postOf(quote.uri);
    assert.deepEqual([q.embed?.record?.uri, q.embed?.record?.cid, q.embed?.imageAlts, q.tags], [quoted.uri, quoted.cid, [], []]);
    const m = postOf(media.uri);
    assert.deepEqual(
      [m.embed?.record?.uri, m.embed?.imageAlts, m.embed?.hasVideo, m.embed?.externalUri],
      [quoted.uri, ['a red dot', ''], false, ''],
    );
    const rejected = await ingest.metrics.registry.getSingleMetric('botsky_ingest_decode_errors_total')?.get();
    assert.deepEqual(rejected?.values, []);
  });

  it("carries a moderation list's items and a list block of it, and their deletions", async () => {
    const [mod, erin, fay] = (await Promise.all(
      ['mod', 'erin', 'fay'].map((h) => net.createAccount({ handle: h, password: `pw-${h}` })),
    )) as [DevnetAccount, DevnetAccount, DevnetAccount];
    const createdAt = new Date().toISOString();
    const list = await mod.agent.app.bsky.graph.list.create(
      { repo: mod.did },
      { purpose: 'app.bsky.graph.defs#modlist', name: 'spam', createdAt },
    );
    const item = await mod.agent.app.bsky.graph.listitem.create({ repo: mod.did }, { subject: fay.did, list: list.uri, createdAt });
    const block = await erin.agent.app.bsky.graph.listblock.create({ repo: erin.did }, { subject: list.uri, createdAt });
    await erin.agent.app.bsky.graph.listblock.delete({ repo: erin.did, rkey: block.uri.split('/').pop()! });
    await mod.agent.app.bsky.graph.listitem.delete({ repo: mod.did, rkey: item.uri.split('/').pop()! });

    let stored: StoredEvent[] = [];
    await eventually('the list events in the network stream', async () => {
      stored = await networkStream(ns);
      return stored.filter((s) => s.event.uri === item.uri).length === 2;
    });
    const of = (uri: string) => stored.filter((s) => s.event.uri === uri).map((s) => s.event);
    assert.equal(of(list.uri).length, 0, 'the list record itself is not kept');
    const [li, liGone] = of(item.uri);
    assert.ok(li?.payload.case === 'listItem' && stored.find((s) => s.event === li)?.subject === 'botsky.network.listitem');
    assert.deepEqual([li.did, li.cid, li.payload.value.listUri, li.payload.value.subjectDid], [mod.did, item.cid, list.uri, fay.did]);
    assert.ok(li.payload.value.createdAtUs > 0n);
    const [lb, lbGone] = of(block.uri);
    assert.ok(lb?.payload.case === 'listBlock' && stored.find((s) => s.event === lb)?.subject === 'botsky.network.listblock');
    assert.deepEqual([lb.did, lb.cid, lb.payload.value.listUri], [erin.did, block.cid, list.uri]);
    for (const [gone, collection] of [
      [lbGone, 'app.bsky.graph.listblock'],
      [liGone, 'app.bsky.graph.listitem'],
    ] as const) {
      assert.ok(gone?.payload.case === 'delete');
      assert.equal(gone.payload.value.collection, collection);
    }
    const rejected = await ingest.metrics.registry.getSingleMetric('botsky_ingest_decode_errors_total')?.get();
    assert.deepEqual(rejected?.values, []);
  });
});

const BATCHES = 30;
const PER_BATCH = 10;

describe('ingest killed mid-burst', () => {
  const ns = testNamespace('ingkill');
  let alice: DevnetAccount;

  before(async () => {
    alice = await net.createAccount({ handle: 'kim', password: 'pw-kim' });
  });
  after(async () => {
    await deleteTestNamespace(ns);
  });

  async function burst(): Promise<string[]> {
    const uris: string[] = [];
    for (let b = 0; b < BATCHES; b++) {
      const writes = Array.from({ length: PER_BATCH }, (_, i) => ({
        $type: 'com.atproto.repo.applyWrites#create' as const,
        collection: 'app.bsky.feed.post',
        value: { $type: 'app.bsky.feed.post', text: `burst ${b}.${i}`, createdAt: new Date().toISOString() },
      }));
      const res = await alice.agent.com.atproto.repo.applyWrites({ repo: alice.did, writes });
      for (const r of res.data.results ?? []) uris.push((r as { uri: string }).uri);
      await sleep(20);
    }
    return uris;
  }

  it('publishes every record of the burst exactly once across a SIGKILL and a restart', async (t) => {
    const env = {
      BOTSKY_BUS: natsUrl(),
      BOTSKY_NAMESPACE: ns,
      BOTSKY_INGEST_URL: net.firehoseUrl,
      BOTSKY_OPS_HOST: '127.0.0.1',
      BOTSKY_OPS_PORT: '0',
      BOTSKY_DRAIN_TIMEOUT_MS: '5000',
    };
    const first = runNode(t, MAIN, [], env);
    await waitForOutput(first, /"msg":"source connected"/, 30_000);
    const writing = burst();
    await eventually('part of the burst published', async () => (await streamCount(ns)) >= 60);
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    assert.equal(killed.signal, 'SIGKILL');
    const atKill = await streamCount(ns);
    const uris = await writing;
    assert.equal(uris.length, BATCHES * PER_BATCH);
    assert.ok(atKill < uris.length, `killed mid-burst (${atKill} of ${uris.length} published)`);

    const second = runNode(t, MAIN, [], env);
    await waitForOutput(second, /"msg":"resuming from the saved cursor"/, 30_000);
    await eventually('the whole burst published', async () => (await streamCount(ns)) >= uris.length, { timeoutMs: 30_000 });
    await sleep(500); // anything published twice would land by now
    second.child.kill('SIGTERM');
    assert.equal((await second.exited).code, 0);

    const stored = await networkStream(ns);
    assert.equal(stored.length, uris.length);
    assert.deepEqual(stored.map((s) => s.event.uri).sort(), [...uris].sort());
    assert.ok(stored.every((s) => s.subject === 'botsky.network.post' && s.event.did === alice.did));
  });
});
