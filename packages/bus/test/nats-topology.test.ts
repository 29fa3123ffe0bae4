// NATS-only behaviour: what ensureTopology creates on the server, updating it in place,
// namespace isolation, and connection handling.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { KV_BUCKETS, STREAMS, SUBJECTS } from '@botsky/contracts';
import { Kvm } from '@nats-io/kv';
import { createBus, parseBusUrl } from '../src/index.ts';
import { BusClosedError, BusError } from '../src/errors.ts';
import { createNatsBus } from '../src/nats/bus.ts';
import { CONSUMERS, KV_TTL_MS, TOPOLOGY, withStreamLimits } from '../src/topology.ts';
import { eventually } from '@botsky/async';
import { NATS_URL, deleteNatsNamespace, enc, randomNamespace, sleep, testTopology } from './helpers.ts';

const ms = (n: number) => n * 1_000_000;

describe('nats topology', { concurrency: true }, () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const namespaces: string[] = [];
  const fresh = () => {
    const ns = randomNamespace();
    namespaces.push(ns);
    return ns;
  };
  before(async () => {
    nc = await connect({ servers: NATS_URL });
    jsm = await jetstreamManager(nc);
  });
  after(async () => {
    await Promise.all(namespaces.map((ns) => deleteNatsNamespace(ns)));
    await nc.close();
  });

  it('KV buckets get their declared TTL, also when the bucket existed without one; others keep entries', async () => {
    const ns = fresh();
    // A bucket from before TTLs were declared: the client would leave its max age at 0.
    await new Kvm(nc).create(`${ns}_${KV_BUCKETS.mentions}`, { history: 1 });
    const bus = await createNatsBus({ servers: NATS_URL, namespace: ns });
    try {
      for (const bucket of [KV_BUCKETS.mentions, KV_BUCKETS.decisions, KV_BUCKETS.consent]) await bus.kv(bucket);
      const maxAge = async (bucket: string) => (await jsm.streams.info(`KV_${ns}_${bucket}`)).config.max_age;
      assert.equal(await maxAge(KV_BUCKETS.mentions), ms(KV_TTL_MS[KV_BUCKETS.mentions]!));
      assert.equal(await maxAge(KV_BUCKETS.decisions), ms(KV_TTL_MS[KV_BUCKETS.decisions]!));
      assert.equal(await maxAge(KV_BUCKETS.consent), 0, 'consent is kept for ever');
    } finally {
      await bus.close();
    }
  });

  it('a follower whose consumer is deleted on the server goes on reading, without a gap', async () => {
    const ns = fresh();
    const bus = await createNatsBus({ servers: NATS_URL, namespace: ns });
    try {
      await bus.ensureTopology();
      const seen: string[] = [];
      const sub = await bus.follow(SUBJECTS.botOutcome, async (m) => void seen.push(new TextDecoder().decode(m.data)));
      await bus.publish(SUBJECTS.botOutcome, enc('one'));
      await eventually('the first message', () => seen.length === 1);
      const stream = `${ns}_${STREAMS.outcomes}`;
      const durable = new Set(TOPOLOGY.consumers.map((c) => c.name));
      for await (const c of jsm.consumers.list(stream)) if (!durable.has(c.name)) await jsm.consumers.delete(stream, c.name);
      for (const text of ['two', 'three']) await bus.publish(SUBJECTS.botOutcome, enc(text));
      await eventually('the messages after the delete', () => seen.length >= 3, { timeoutMs: 40_000 });
      assert.deepEqual(seen, ['one', 'two', 'three']);
      await sub.stop();
    } finally {
      await bus.close();
    }
  });

  it('creates namespaced streams and consumers with the declared config', async () => {
    const ns = fresh();
    const bus = await createNatsBus({ servers: NATS_URL, namespace: ns });
    try {
      await bus.ensureTopology();
      const tasks = TOPOLOGY.streams.find((s) => s.name === STREAMS.tasks)!;
      const si = await jsm.streams.info(`${ns}_${STREAMS.tasks}`);
      assert.deepEqual(si.config.subjects, [`${ns}.botsky.tasks.>`]);
      assert.equal(si.config.duplicate_window, ms(tasks.duplicateWindowMs));
      assert.equal(si.config.max_age, ms(tasks.maxAgeMs));
      assert.equal(si.config.storage, 'file');
      assert.equal(si.config.retention, 'limits');
      const spec = TOPOLOGY.consumers.find((c) => c.name === CONSUMERS.botRunner)!;
      const ci = await jsm.consumers.info(`${ns}_${STREAMS.tasks}`, CONSUMERS.botRunner);
      assert.equal(ci.config.filter_subject, `${ns}.${SUBJECTS.replyTask}`);
      assert.equal(ci.config.ack_wait, ms(spec.ackWaitMs));
      assert.equal(ci.config.max_deliver, spec.maxDeliver + 1);
      assert.equal(ci.config.max_ack_pending, spec.maxAckPending);
      assert.equal(ci.config.ack_policy, 'explicit');
      const names: string[] = [];
      for await (const c of jsm.consumers.list(`${ns}_${STREAMS.network}`)) names.push(c.name);
      assert.deepEqual(names.sort(), [CONSUMERS.matchmaker, CONSUMERS.scoringRecorderNetwork].sort());
    } finally {
      await bus.close();
    }
  });

  it('bounds every stream by max age and max bytes, and brings existing streams to new limits', async () => {
    const ns = fresh();
    const first = await createNatsBus({ servers: NATS_URL, namespace: ns });
    try {
      await first.ensureTopology();
      for (const spec of TOPOLOGY.streams) {
        const { config } = await jsm.streams.info(`${ns}_${spec.name}`);
        assert.ok(spec.maxBytes > 0 && spec.maxAgeMs > 0, `${spec.name} is bounded by default`);
        assert.equal(config.max_bytes, spec.maxBytes, `${spec.name} max_bytes`);
        assert.equal(config.max_age, ms(spec.maxAgeMs), `${spec.name} max_age`);
      }
    } finally {
      await first.close();
    }
    const resized = withStreamLimits(TOPOLOGY, { tasks: { maxAgeMs: 2 * 3_600_000, maxBytes: 16 * 1024 } });
    const bus = await createNatsBus({ servers: NATS_URL, namespace: ns, topology: resized });
    try {
      await bus.ensureTopology();
      const name = `${ns}_${STREAMS.tasks}`;
      const { config } = await jsm.streams.info(name);
      assert.deepEqual([config.max_bytes, config.max_age], [16 * 1024, ms(2 * 3_600_000)]);
      // A full stream drops its oldest messages: it never holds more than its max bytes.
      const kib = new Uint8Array(1024);
      for (let i = 0; i < 64; i++) await bus.publish(SUBJECTS.replyTask, kib);
      const { state } = await jsm.streams.info(name);
      assert.ok(state.bytes <= 16 * 1024, `holds ${state.bytes} bytes`);
      assert.ok(state.first_seq > 1 && state.last_seq === 64, `kept ${state.first_seq}..${state.last_seq}`);
    } finally {
      await bus.close();
    }
  });

  it('updates existing streams and consumers in place, keeping their messages', async () => {
    const ns = fresh();
    const before = await createNatsBus({ servers: NATS_URL, namespace: ns, topology: testTopology() });
    await before.ensureTopology();
    await before.publish(SUBJECTS.replyTask, enc('kept'));
    await before.close();
    const changed = testTopology({ ackWaitMs: 7000, maxDeliver: 9 }, [CONSUMERS.botRunner]);
    changed.streams = changed.streams.map((s) => (s.name === STREAMS.tasks ? { ...s, duplicateWindowMs: 90_000 } : s));
    const bus = await createNatsBus({ servers: NATS_URL, namespace: ns, topology: changed });
    try {
      await bus.ensureTopology();
      await bus.ensureTopology();
      const ci = await jsm.consumers.info(`${ns}_${STREAMS.tasks}`, CONSUMERS.botRunner);
      assert.equal(ci.config.ack_wait, ms(7000));
      assert.equal(ci.config.max_deliver, 10);
      assert.equal((await jsm.streams.info(`${ns}_${STREAMS.tasks}`)).config.duplicate_window, ms(90_000));
      const seen: string[] = [];
      await bus.consume(CONSUMERS.botRunner, async (m) => {
        seen.push(new TextDecoder().decode(m.data));
      });
      await eventually('the message published before the update', () => seen.length === 1);
      assert.deepEqual(seen, ['kept']);
    } finally {
      await bus.close();
    }
  });

  it('keeps namespaces apart on one server', async () => {
    const [a, b] = [fresh(), fresh()];
    const busA = await createNatsBus({ servers: NATS_URL, namespace: a, topology: testTopology() });
    const busB = await createNatsBus({ servers: NATS_URL, namespace: b, topology: testTopology() });
    try {
      await Promise.all([busA.ensureTopology(), busB.ensureTopology()]);
      const inA: number[] = [];
      const inB: number[] = [];
      await busA.consume(CONSUMERS.botRunner, async (m) => void inA.push(m.seq));
      await busB.consume(CONSUMERS.botRunner, async (m) => void inB.push(m.seq));
      await busA.publish(SUBJECTS.replyTask, enc('for a'), { msgId: 'same-id' });
      const inBAck = await busB.publish(SUBJECTS.replyTask, enc('for b'), { msgId: 'same-id' });
      assert.equal(inBAck.duplicate, false, 'dedup windows are per namespace too');
      await eventually('one message each', () => inA.length === 1 && inB.length === 1);
      await sleep(200);
      assert.equal(inA.length + inB.length, 2);
      const kvA = await busA.kv('botsky_cursors');
      await kvA.put('jetstream', enc('42'));
      assert.equal(await (await busB.kv('botsky_cursors')).get('jetstream'), undefined);
    } finally {
      await Promise.all([busA.close(), busB.close()]);
    }
  });

  it('is made from a bus URL, answers ping while open, refuses calls once closed', async () => {
    const ns = fresh();
    const bus = await createBus(parseBusUrl(NATS_URL, ns));
    await bus.ensureTopology();
    await bus.ping();
    await bus.close();
    await assert.rejects(bus.ping(), BusClosedError);
    await assert.rejects(bus.publish(SUBJECTS.replyTask, enc('x')), BusClosedError);
  });

  it('fails to connect with a BusError naming the server', async () => {
    await assert.rejects(createNatsBus({ servers: 'nats://127.0.0.1:1' }), (err: unknown) => {
      assert.ok(err instanceof BusError);
      assert.match(err.message, /127\.0\.0\.1:1/);
      return true;
    });
  });
});
