// The streams' limits from the environment: every variable checked at start-up, and what a
// service's bus creates on the real NATS server (NATS_URL) carries them.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DEFAULT_STREAM_LIMITS, TOPOLOGY, namespaceStreamLimits } from '@botsky/bus';
import { deleteTestNamespace } from '@botsky/kit/testing';
import { ConfigError, bytes, duration, loadConfig } from '../src/config.ts';
import { commonConfigSpec } from '../src/common-config.ts';
import { openBus } from '../src/context.ts';
import { createLogging } from '../src/logger.ts';
import { busTopology, streamLimitsConfigSpec, streamLimitsOf, streamVariablePrefix } from '../src/stream-config.ts';
import { natsUrl, testNamespace } from '../src/testing.ts';

const GiB = 2 ** 30;
const DAY = 86_400_000;

describe('stream limit variables', () => {
  it('are two per stream, named after its key, with bounded defaults', () => {
    const names = Object.values(streamLimitsConfigSpec)
      .map((f) => f.env)
      .sort();
    assert.equal(names.length, 2 * TOPOLOGY.streams.length);
    assert.ok(names.includes('BOTSKY_STREAM_NETWORK_MAX_BYTES') && names.includes('BOTSKY_STREAM_DEAD_LETTER_MAX_AGE'));
    assert.equal(streamVariablePrefix('deadLetter'), 'BOTSKY_STREAM_DEAD_LETTER');
    assert.deepEqual(streamLimitsOf(loadConfig(streamLimitsConfigSpec, {})), DEFAULT_STREAM_LIMITS);
  });

  it('read sizes with binary units and ages in days', () => {
    const config = loadConfig(streamLimitsConfigSpec, { BOTSKY_STREAM_NETWORK_MAX_BYTES: '4GiB', BOTSKY_STREAM_NETWORK_MAX_AGE: '2d' });
    assert.deepEqual(streamLimitsOf(config).network, { maxBytes: 4 * GiB, maxAgeMs: 2 * DAY });
    assert.equal(loadConfig({ b: bytes('B') }, { B: '1048576' }).b, 2 ** 20);
    assert.equal(loadConfig({ d: duration('D') }, { D: '7d' }).d, 7 * DAY);
  });

  it('refuse what no stream can have, naming every bad variable in one line', () => {
    const bad = {
      BOTSKY_STREAM_NETWORK_MAX_AGE: '8d', // past what the matchmaker remembers decisions for
      BOTSKY_STREAM_TASKS_MAX_BYTES: '1.5GiB',
      BOTSKY_STREAM_FEED_MAX_BYTES: '1KiB',
      BOTSKY_STREAM_SCORES_MAX_AGE: '10m', // shorter than a duplicate window
      BOTSKY_STREAM_OUTCOMES_MAX_BYTES: '2GB',
    };
    assert.throws(
      () => loadConfig(streamLimitsConfigSpec, bad),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(err.issues.map((i) => i.variable).sort(), Object.keys(bad).sort());
        assert.match(err.message, /BOTSKY_STREAM_FEED_MAX_BYTES must be a size in bytes from 1MiB to 1TiB/);
        assert.match(err.message, /BOTSKY_STREAM_NETWORK_MAX_AGE must be a duration in ms 3600000-604800000/);
        return true;
      },
    );
  });
});

describe("a service's bus on NATS", () => {
  const ns = testNamespace('kitstreams');
  after(() => deleteTestNamespace(ns));

  it('creates every stream with the configured max age and max bytes', async () => {
    const env = {
      BOTSKY_BUS: natsUrl(),
      BOTSKY_NAMESPACE: ns,
      BOTSKY_STREAM_NETWORK_MAX_BYTES: '64MiB',
      BOTSKY_STREAM_TASKS_MAX_AGE: '36h',
    };
    const config = loadConfig(commonConfigSpec, env);
    const bus = await openBus(config, createLogging({ level: 'silent' }).createLogger('test'), 'kit-stream-test');
    try {
      await bus.ensureTopology();
    } finally {
      await bus.close();
    }
    const onServer = new Map((await namespaceStreamLimits(natsUrl(), ns)).map((s) => [s.name, s]));
    const expected = busTopology(config).streams;
    assert.equal(onServer.size, expected.length);
    for (const spec of expected) {
      const s = onServer.get(`${ns}_${spec.name}`);
      assert.ok(s, spec.name);
      assert.ok(s.maxBytes > 0 && s.maxAgeMs > 0, `${spec.name} is bounded`);
      assert.deepEqual([s.maxBytes, s.maxAgeMs], [spec.maxBytes, spec.maxAgeMs], spec.name);
    }
    assert.equal(onServer.get(`${ns}_BOTSKY_NETWORK`)?.maxBytes, 64 * 2 ** 20);
    assert.equal(onServer.get(`${ns}_BOTSKY_TASKS`)?.maxAgeMs, 36 * 3_600_000);
  });
});
