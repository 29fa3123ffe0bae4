// /readyz follows the source: through the kit's readiness (the same checks the ops server asks),
// ingest is not ready until its source is connected, stays ready through a drop shorter than
// BOTSKY_INGEST_READY_GRACE_MS, and is not ready once the source has been gone for longer.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Readiness, type ReadinessReport } from '@botsky/kit';
import { deleteTestNamespace, eventually, metricSum, suiteHooks } from '@botsky/kit/testing';
import { SourceLink } from '../src/source/source-link.ts';
import { startFakeSource, type FakeSource } from './fake-source.ts';
import { startIngest, testNamespace, type RunningIngest } from './helpers.ts';

async function report(ingest: RunningIngest): Promise<ReadinessReport> {
  const readiness = new Readiness();
  readiness.addChecks('ingest', ingest.ctx.checks);
  readiness.setPhase('ready');
  return readiness.report();
}

const sourceCheck = async (ingest: RunningIngest) => (await report(ingest)).checks['ingest.source'];

describe('ingest readiness', () => {
  const hooks = suiteHooks();
  const namespaces: string[] = [];
  const running: Array<{ ingest?: RunningIngest; source: FakeSource }> = [];
  after(async () => {
    for (const r of running) {
      await r.ingest?.stop();
      await r.source.close();
    }
    for (const ns of namespaces) await deleteTestNamespace(ns);
  });

  async function start(graceMs: number): Promise<{ ingest: RunningIngest; source: FakeSource }> {
    const ns = testNamespace('ingready');
    namespaces.push(ns);
    const source = await startFakeSource();
    const entry: { ingest?: RunningIngest; source: FakeSource } = { source };
    running.push(entry);
    source.refuse(true);
    entry.ingest = await startIngest(hooks, {
      BOTSKY_NAMESPACE: ns,
      BOTSKY_INGEST_URL: source.url,
      BOTSKY_INGEST_READY_GRACE_MS: String(graceMs),
    });
    return { ingest: entry.ingest, source };
  }

  it('is not ready before the source connects, ready once it does, not ready when it stays away past the grace', async () => {
    const { ingest, source } = await start(300);
    // Refused at least once: the source is down, and ingest keeps trying.
    await eventually('a refused connection', () => ingest.logs.some((l) => l.msg === 'source connection error'));
    assert.deepEqual(await sourceCheck(ingest), { ok: false, error: 'not connected to the source yet' });
    assert.equal((await report(ingest)).ready, false);
    assert.equal(await metricSum(ingest.metrics, 'botsky_ingest_source_connected'), 0);

    source.refuse(false);
    await eventually('ready once connected', async () => (await report(ingest)).ready);
    assert.equal(await metricSum(ingest.metrics, 'botsky_ingest_source_connected'), 1);

    source.refuse(true);
    source.dropClients();
    await eventually('not ready once gone past the grace', async () => !(await report(ingest)).ready);
    assert.match((await sourceCheck(ingest))?.error ?? '', /^source disconnected \d+ ms ago \(grace 300 ms\)$/);
    assert.equal(await metricSum(ingest.metrics, 'botsky_ingest_source_connected'), 0);

    source.refuse(false);
    await eventually('ready again after reconnecting', async () => (await report(ingest)).ready);
  });

  it('stays ready through a drop shorter than the grace', async () => {
    const { ingest, source } = await start(600_000);
    source.refuse(false);
    await eventually('ready once connected', async () => (await report(ingest)).ready);
    source.refuse(true);
    source.dropClients();
    await eventually('the drop seen', async () => (await metricSum(ingest.metrics, 'botsky_ingest_source_connected')) === 0);
    assert.deepEqual(await sourceCheck(ingest), { ok: true });
  });
});

describe('SourceLink', () => {
  it('counts the grace from the drop, and a reconnect clears it', () => {
    let now = 1_000;
    const link = new SourceLink(() => now);
    assert.throws(() => link.assertReady(100), { name: 'SourceNotConnectedError', message: 'not connected to the source yet' });
    link.opened();
    link.assertReady(100);
    link.closed();
    now += 100;
    link.assertReady(100);
    now += 1;
    assert.throws(() => link.assertReady(100), { message: 'source disconnected 101 ms ago (grace 100 ms)' });
    link.opened();
    link.assertReady(0);
  });
});
