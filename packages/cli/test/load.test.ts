// `botsky load` at a small scale, as a person runs it: a real process with the devnet PDS, ingest
// on the in-process bus and 20 simulated people; its exactly-once check must have counted one
// event for each record written, kind by kind. The tally on its own shows the check can fail:
// a missing record, a repeated event and an event for a record nobody reported are all caught.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { BusMessage } from '@botsky/bus';
import { NetworkEventSchema, create, encode } from '@botsky/contracts';
import { runNode } from '@botsky/kit/testing';
import type { LoadFigures } from '../src/load/report.ts';
import { Tally } from '../src/load/tally.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('botsky load', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botsky-load-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('sets 20 people up, runs them, and finds every record they wrote as exactly one event', { timeout: 90_000 }, async (t) => {
    const json = join(dir, 'figures.json');
    const args = ['load', '--users', '20', '--minutes', '120', '--tick', '30', '--seed', '3', '--progress', '1', '--json', json];
    const exit = await runNode(t, MAIN, args, {}).exited;
    assert.equal(exit.code, 0, exit.stderr);
    assert.match(exit.stdout, /^exactly once +yes: missing 0, duplicated 0/m);

    const f = JSON.parse(await readFile(json, 'utf8')) as LoadFigures;
    assert.equal(f.setup.accounts, 20);
    assert.ok(f.run.records > 0 && f.run.posts > 0, 'the people posted');
    const { written, events } = f.exactly_once;
    const total = Object.values(written).reduce((a, b) => a + b, 0);
    assert.equal(total, f.setup.records + f.run.records, 'the tally heard of every record the driver wrote');
    for (const kind of ['profile', 'follow', 'post']) {
      assert.ok((written[kind] ?? 0) > 0, `${kind} records written`);
      assert.equal(events[kind], written[kind], `${kind}: one event per record`);
    }
    assert.equal(written.profile, 20);
    assert.ok((events.identity ?? 0) >= 20 && (events.account ?? 0) >= 20, 'identity and account events for the people');
    assert.deepEqual([f.exactly_once.missing, f.exactly_once.duplicated, f.exactly_once.unrecorded, f.exactly_once.ok], [0, 0, 0, true]);
    assert.equal(f.errors.total, 0);
    assert.ok(f.peak_rss_mb > 0 && f.setup.accounts_per_s > 0 && f.ingest.events >= total);
  });
});

describe('the exactly-once tally', () => {
  let seq = 0;
  const message = (uri: string, kind: 'post' | 'like'): BusMessage => {
    const event = create(NetworkEventSchema, { did: 'did:plc:a', uri, cid: 'bafy', payload: { case: kind, value: {} } });
    return {
      subject: `botsky.network.${kind}`,
      data: encode(NetworkEventSchema, event),
      headers: {},
      msgId: `${uri}#bafy`,
      seq: ++seq,
      deliveryCount: 1,
    };
  };
  const post = (n: number) => `at://did:plc:a/app.bsky.feed.post/${n}`;

  it('reports missing, repeated and unreported records, and counts an event that came before its write', () => {
    const tally = new Tally();
    tally.onMessage(message(post(1), 'post')); // before the driver heard back from the PDS
    tally.recordWritten([{ uri: post(1) }, { uri: post(2) }, { uri: post(3) }]);
    tally.onMessage(message(post(2), 'post'));
    tally.onMessage(message(post(2), 'post'));
    tally.onMessage(message('at://did:plc:a/app.bsky.feed.like/9', 'like'));
    tally.onMessage({ ...message(post(4), 'post'), data: new Uint8Array([0xff, 0xff, 0xff]) });
    assert.equal(tally.pending(), 1);
    assert.deepEqual(tally.report(), {
      written: { post: 3 },
      events: { post: 3, like: 1 },
      missing: 1,
      duplicated: 1,
      unrecorded: 1,
      undecodable: 1,
    });
  });
});
