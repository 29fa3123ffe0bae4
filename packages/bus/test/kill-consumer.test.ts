// A consumer process is SIGKILLed mid-stream and a new one takes over: every event's effect must
// happen, none twice. The effect (publishing an outcome) is idempotent by message id; the test
// also checks that the crash really left effects done-but-unacked, so it exercises redelivery.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { STREAMS } from '@botsky/contracts';
import { createNatsBus } from '../src/nats/bus.ts';
import { CONSUMERS } from '../src/topology.ts';
import { publishTasks } from './contract/env.ts';
import { eventually } from '@botsky/async';
import { NATS_URL, dec, deleteNatsNamespace, randomNamespace, testTopology } from './helpers.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'effect-consumer.ts');
const EVENTS = 1000;

function startConsumer(namespace: string, logFile: string): ChildProcess {
  return spawn(process.execPath, [FIXTURE], {
    env: { ...process.env, NATS_URL, BUS_NAMESPACE: namespace, LOG_FILE: logFile },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

function readLog(file: string): string[][] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split(' '));
}

/** The test proves something only if the kill left effects done but unacked. */
function assertCrashPathTaken(log: string[][], secondPid: string): void {
  const fromSecond = log.filter(([pid]) => pid === secondPid);
  const redelivered = fromSecond.filter(([, kind, , count]) => kind === 'attempt' && Number(count) > 1);
  const deduped = fromSecond.filter(([, kind, , result]) => kind === 'effect' && result === 'duplicate');
  assert.ok(redelivered.length > 0, 'the killed consumer left unacked messages that were redelivered');
  assert.ok(deduped.length > 0, 'effects done before the kill but not acked were retried and deduplicated');
  assert.equal(log.filter(([, kind]) => kind === 'consuming').length, 2);
}

test('SIGKILL mid-stream: no event lost, no effect twice', async (t) => {
  const ns = randomNamespace();
  const dir = mkdtempSync(join(tmpdir(), 'bus-kill-'));
  const logFile = join(dir, 'effects.log');
  const children: ChildProcess[] = [];
  const bus = await createNatsBus({ servers: NATS_URL, namespace: ns, topology: testTopology() });
  const nc = await connect({ servers: NATS_URL });
  t.after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await bus.close();
    await nc.close();
    await deleteNatsNamespace(ns);
    rmSync(dir, { recursive: true, force: true });
  });
  await bus.ensureTopology();
  const jsm = await jetstreamManager(nc);
  const storedEffects = async () => (await jsm.streams.info(`${ns}_${STREAMS.outcomes}`)).state.messages;

  await publishTasks(bus, EVENTS, 'event');
  const first = startConsumer(ns, logFile);
  children.push(first);
  await eventually('the first consumer to get going', async () => (await storedEffects()) >= EVENTS / 5, { timeoutMs: 15_000 });
  first.kill('SIGKILL');
  await once(first, 'exit');
  const atKill = await storedEffects();
  assert.ok(atKill < EVENTS, `killed mid-stream (${atKill} of ${EVENTS} effects done)`);

  const second = startConsumer(ns, logFile);
  children.push(second);
  await eventually(
    'every event acked',
    async () => {
      const ci = await jsm.consumers.info(`${ns}_${STREAMS.tasks}`, CONSUMERS.botRunner);
      return ci.num_pending === 0 && ci.num_ack_pending === 0;
    },
    { timeoutMs: 20_000 },
  );
  second.kill('SIGTERM');
  await once(second, 'exit');

  assert.equal(await storedEffects(), EVENTS, 'exactly one stored effect per event');
  const outcomes: string[] = [];
  await bus.consume(
    CONSUMERS.scoringRecorderOutcomes,
    async (m) => {
      outcomes.push(dec(m.data));
    },
    { maxInFlight: 256 },
  );
  await eventually('reading the effects', () => outcomes.length >= EVENTS);
  assert.equal(new Set(outcomes).size, EVENTS, 'every event has its effect');

  assertCrashPathTaken(readLog(logFile), String(second.pid));
});
