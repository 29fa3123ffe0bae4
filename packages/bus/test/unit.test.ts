// Pure pieces: subject matching, topology checks, retry delays, bus URLs, KV key escaping,
// namespaces, and the in-process stream's limits.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STREAMS } from '@botsky/contracts';
import { BusConfigError, TopologyError } from '../src/errors.ts';
import { createBus, parseBusUrl, MemoryBus } from '../src/index.ts';
import { createNamespace } from '../src/namespace.ts';
import { decodeKvKey, encodeKvKey } from '../src/nats/kv.ts';
import { MemoryKv } from '../src/memory/kv.ts';
import { MemoryStream } from '../src/memory/stream.ts';
import { isValidSubject, patternWithin, subjectMatches } from '../src/subject-match.ts';
import {
  CONSUMERS,
  DEFAULT_STREAM_LIMITS,
  TOPOLOGY,
  findConsumer,
  retryDelayMs,
  validateTopology,
  withConsumerTiming,
  withStreamLimits,
} from '../src/topology.ts';

const enc = (s: string) => new TextEncoder().encode(s);

describe('subjects', () => {
  it('match NATS wildcards', () => {
    assert.ok(subjectMatches('botsky.network.>', 'botsky.network.post'));
    assert.ok(subjectMatches('botsky.network.>', 'botsky.network.post.x'));
    assert.ok(!subjectMatches('botsky.network.>', 'botsky.network'));
    assert.ok(subjectMatches('botsky.*.reply', 'botsky.tasks.reply'));
    assert.ok(!subjectMatches('botsky.*.reply', 'botsky.tasks.reply.x'));
    assert.ok(!subjectMatches('botsky.tasks.reply', 'botsky.tasks.replyx'));
    assert.ok(patternWithin('botsky.tasks.reply', 'botsky.tasks.>'));
    assert.ok(patternWithin('botsky.tasks.*', 'botsky.tasks.>'));
    assert.ok(!patternWithin('botsky.>', 'botsky.tasks.>'));
    assert.ok(!patternWithin('botsky.feed.x', 'botsky.tasks.>'));
    assert.ok(isValidSubject('botsky.tasks.reply'));
    for (const bad of ['', 'a..b', 'a.*', 'a b', '.a']) assert.ok(!isValidSubject(bad), bad);
  });
});

describe('topology', () => {
  it('is valid, one filter per consumer, inside its stream', () => {
    validateTopology(TOPOLOGY);
    for (const name of Object.values(CONSUMERS)) assert.equal(findConsumer(TOPOLOGY, name).name, name);
    assert.throws(() => findConsumer(TOPOLOGY, 'nope'), TopologyError);
  });

  it('rejects consumers outside their stream and bad windows', () => {
    const bad = withConsumerTiming(TOPOLOGY, {});
    bad.consumers.push({ ...findConsumer(TOPOLOGY, CONSUMERS.scoringRecorderOutcomes), name: 'x', filterSubject: 'botsky.tasks.reply' });
    bad.streams[0] = { ...bad.streams[0]!, duplicateWindowMs: bad.streams[0]!.maxAgeMs + 1 };
    assert.throws(() => validateTopology(bad), /filter botsky\.tasks\.reply is outside stream BOTSKY_OUTCOMES.*|duplicate window/);
    assert.throws(() => new MemoryBus({ topology: bad }), TopologyError);
  });

  it('bounds every stream by age and bytes; new limits replace only the named ones', () => {
    for (const s of TOPOLOGY.streams) assert.ok(s.maxAgeMs > 0 && s.maxBytes > 0, s.name);
    const resized = withStreamLimits(TOPOLOGY, { network: { maxBytes: 4096 }, deadLetter: { maxAgeMs: 3_600_000 } });
    const byName = new Map(resized.streams.map((s) => [s.name, s]));
    assert.deepEqual(
      [byName.get(STREAMS.network)?.maxBytes, byName.get(STREAMS.network)?.maxAgeMs],
      [4096, DEFAULT_STREAM_LIMITS.network.maxAgeMs],
    );
    assert.equal(byName.get(STREAMS.deadLetter)?.maxAgeMs, 3_600_000);
    assert.equal(byName.get(STREAMS.tasks)?.maxBytes, DEFAULT_STREAM_LIMITS.tasks.maxBytes);
    assert.equal(TOPOLOGY.streams.find((s) => s.name === STREAMS.network)?.maxBytes, DEFAULT_STREAM_LIMITS.network.maxBytes, 'a copy');
    assert.throws(() => validateTopology(withStreamLimits(TOPOLOGY, { feed: { maxBytes: 0 } })), /BOTSKY_FEED: max bytes/);
  });

  it('picks the retry delay by attempt, repeating the last', () => {
    const spec = { ...findConsumer(TOPOLOGY, CONSUMERS.matchmaker), retryDelaysMs: [10, 20, 30] };
    assert.deepEqual(
      [1, 2, 3, 4, 9].map((n) => retryDelayMs(spec, n)),
      [10, 20, 30, 30, 30],
    );
    assert.equal(retryDelayMs({ ...spec, retryDelaysMs: [] }, 3), 0);
  });
});

describe('config', () => {
  it('parses bus URLs', () => {
    assert.deepEqual(parseBusUrl('memory'), { kind: 'memory' });
    assert.deepEqual(parseBusUrl('nats://a:4222'), { kind: 'nats', servers: ['nats://a:4222'] });
    assert.deepEqual(parseBusUrl('nats://a:4222, b:4223', 'ns1'), {
      kind: 'nats',
      servers: ['nats://a:4222', 'nats://b:4223'],
      namespace: 'ns1',
    });
    for (const bad of ['', 'redis://x', 'nats://', 'a:4222']) assert.throws(() => parseBusUrl(bad), BusConfigError, bad);
  });

  it('creates a memory bus from config and rejects bad namespaces', async () => {
    const bus = await createBus({ kind: 'memory', namespace: 'n1' });
    await bus.ensureTopology();
    assert.equal((await bus.publish('botsky.tasks.reply', enc('x'))).stream, STREAMS.tasks);
    await bus.close();
    assert.throws(() => createNamespace('has.dot'), BusConfigError);
    assert.throws(() => createNamespace('x'.repeat(41)), BusConfigError);
    const ns = createNamespace('n1');
    assert.equal(ns.subject('botsky.a'), 'n1.botsky.a');
    assert.equal(ns.logicalSubject('n1.botsky.a'), 'botsky.a');
    assert.equal(ns.logicalStream(ns.stream('S')), 'S');
  });
});

describe('kv keys', () => {
  it('escape reversibly into what NATS KV accepts', () => {
    for (const key of ['did:plc:abc', 'a.b', 'x=y', 'é ü/😀', '_kv', '...', 'plain-key_1/2']) {
      const encoded = encodeKvKey(key);
      assert.match(encoded, /^[A-Za-z0-9_\-/=]+$/);
      assert.equal(decodeKvKey(encoded), key);
    }
    assert.equal(encodeKvKey('did:plc:abc'), 'did=3Aplc=3Aabc');
  });
});

describe('memory stream', () => {
  const spec = (over = {}) => ({
    name: 'S',
    subjects: ['s.>'],
    maxAgeMs: 60_000,
    duplicateWindowMs: 1000,
    maxMsgs: -1,
    maxBytes: -1,
    ...over,
  });
  const append = (s: MemoryStream, msgId: string | undefined, now: number) => s.append('s.a', 's.a', enc('x'), {}, msgId, now);

  it('forgets msgIds after the window', () => {
    const s = new MemoryStream('S', spec());
    assert.equal(append(s, 'a', 0).duplicate, false);
    assert.equal(append(s, 'a', 999).duplicate, true);
    assert.equal(append(s, 'a', 1001).duplicate, false);
  });

  it('discards the oldest beyond maxMsgs and what every consumer acked', () => {
    const s = new MemoryStream('S', spec({ maxMsgs: 3 }));
    for (let i = 0; i < 5; i++) append(s, undefined, 0);
    assert.deepEqual([s.firstSeq, s.lastSeq, s.size], [3, 5, 3]);
    let floor = 4;
    s.consumers.push({ ackFloor: () => floor, schedulePump: () => {} });
    s.trim(0);
    assert.equal(s.firstSeq, 4);
    floor = 6;
    s.trim(0);
    assert.equal(s.size, 0);
    assert.equal(s.get(5), undefined);
  });

  it('discards the oldest beyond max bytes', () => {
    const s = new MemoryStream('S', spec({ maxBytes: 10 }));
    for (let i = 0; i < 5; i++) s.append('s.a', 's.a', enc('abcd'), {}, undefined, 0);
    assert.deepEqual([s.firstSeq, s.lastSeq, s.bytes], [4, 5, 8]);
  });

  it('drops messages older than max age', () => {
    const s = new MemoryStream('S', spec({ maxAgeMs: 100 }));
    append(s, undefined, 0);
    append(s, undefined, 150);
    s.trim(150);
    assert.equal(s.firstSeq, 2);
  });
});

describe('in-process KV with a TTL', () => {
  it('forgets an entry once it is older than the TTL; a rewrite starts its time again', async () => {
    let now = 1_000;
    const kv = new MemoryKv({ ttlMs: 100, now: () => now });
    await kv.put('a', enc('1'));
    await kv.put('b', enc('1'));
    now += 60;
    await kv.put('b', enc('2'));
    now += 50;
    assert.equal(await kv.get('a'), undefined, 'a is 110 ms old');
    assert.equal(new TextDecoder().decode((await kv.get('b'))!.value), '2');
    assert.deepEqual(await kv.keys(), ['b']);
    assert.equal(await kv.update('a', enc('new'), 0), true, 'an expired key can be created again');
  });

  it('keeps entries for ever without one', async () => {
    let now = 0;
    const kv = new MemoryKv({ now: () => now });
    await kv.put('a', enc('1'));
    now += 365 * 86_400_000;
    assert.ok(await kv.get('a'));
  });
});
