// `botsky up` as a person runs it: a real process, every service on the embedded adapters,
// ingest reading a Jetstream server on 127.0.0.1 (or, in one case, a source that is not there).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { ReadinessReport } from '@botsky/kit';
import { eventually, natsUrl, runNode, testNamespace, waitFor200, waitForOutput } from '@botsky/kit/testing';
import { sourceHint } from '../src/commands/up-ready.ts';
import { selfServiceEnv } from '../src/commands/up.ts';
import { postEvent, startJetstreamServer, type JetstreamServer } from './jetstream-server.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const SERVICES = ['scoring', 'feed', 'web', 'bot-runner', 'matchmaker', 'ingest'];
const ALL_CHECKS = [...SERVICES.map((s) => `${s}.bus`), 'scoring.warehouse', 'web.client', 'ingest.source'].sort();
/** The OS picks the ops port; `up` prints the URL. */
const OPS_ENV = {
  BOTSKY_OPS_HOST: '127.0.0.1',
  BOTSKY_OPS_PORT: '0',
  // several `up`s run at once: scoring's leaderboard listeners take free ports too
  BOTSKY_LEADERBOARD_HOST: '127.0.0.1',
  BOTSKY_LEADERBOARD_PORT: '0',
  BOTSKY_LEADERBOARD_GRPC_PORT: '0',
  // and the feed generator's HTTP server
  BOTSKY_FEED_HOST: '127.0.0.1',
  BOTSKY_FEED_PORT: '0',
  // and the web app's
  BOTSKY_WEB_HOST: '127.0.0.1',
  BOTSKY_WEB_PORT: '0',
};
const POST = postEvent(0, 'read by botsky up');

const sourceEnv = (source: JetstreamServer) => ({ ...OPS_ENV, BOTSKY_INGEST_SOURCE: 'jetstream', BOTSKY_INGEST_URL: source.url });

/** A port nothing listens on: taken from the OS, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits until /metrics matches `pattern` (ingest publishes what it read a moment after reading it). */
async function waitForMetric(ops: string, pattern: RegExp): Promise<void> {
  await eventually(`/metrics matching ${pattern}`, async () => pattern.test(await (await fetch(`${ops}/metrics`)).text()), {
    timeoutMs: 5000,
    intervalMs: 50,
  });
}

describe('botsky up', { concurrency: true }, () => {
  let dir = '';
  const sources: JetstreamServer[] = [];
  const source = async () => {
    const s = await startJetstreamServer([POST]);
    sources.push(s);
    return s;
  };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botsky-up-'));
  });
  after(async () => {
    for (const s of sources) await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('--duration 3: all six start on the in-process bus and embedded ClickHouse, read the source, are ready, stop, exit 0', async (t) => {
    const data = join(dir, 'memory');
    const jetstream = await source();
    const proc = runNode(t, MAIN, ['up', '--duration', '3', '--data', data], sourceEnv(jetstream));
    const [, ops] = await waitForOutput(proc, /^ops: (\S+)/m, 60_000);
    const ready = (await waitFor200(`${ops}/readyz`, { timeoutMs: 2000, child: proc })) as ReadinessReport;
    assert.deepEqual(Object.keys(ready.checks).sort(), ALL_CHECKS);
    await waitForMetric(ops!, /^botsky_ingest_events_total\{[^}]*kind="post"[^}]*\} 1$/m);
    const exit = await proc.exited;
    assert.equal(exit.code, 0, exit.stderr);
    const lines = exit.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^botsky up: 6 services in one process \(in-process bus, embedded ClickHouse in .*memory\)$/);
    for (const name of SERVICES)
      assert.ok(
        lines.some((l) => new RegExp(`^ {2}${name} +ready +\\S`).test(l)),
        `${name} ready`,
      );
    assert.ok(!lines.some((l) => l.startsWith('ingest:')), 'no hint: the source is there');
    assert.ok(lines.includes(`ops: ${ops}  (/healthz /readyz /metrics)`));
    assert.equal(lines.at(-1), 'botsky up: stopped');
    assert.equal(jetstream.cursors[0], '', 'a first start asks for the live tip');
    assert.ok((await readdir(join(data, 'clickhouse'))).length > 0, 'embedded ClickHouse wrote its data');
  });

  it('--bus nats://...: the same on NATS JetStream, the LLM gateway too when it has models; SIGINT drains and stops with exit 0', async (t) => {
    const models = join(dir, 'gateway-models.json');
    const model = {
      id: 'small',
      provider: 'openai',
      baseUrl: 'http://127.0.0.1:9/v1',
      apiKey: { env: 'UPSTREAM_KEY' },
      price: { inputPerMillion: 1, outputPerMillion: 1 },
    };
    await writeFile(models, JSON.stringify({ models: [model] }));
    const gatewayPort = await closedPort();
    const env = {
      ...sourceEnv(await source()),
      BOTSKY_NAMESPACE: testNamespace(),
      BOTSKY_GATEWAY_MODELS_FILE: models,
      BOTSKY_GATEWAY_HOST: '127.0.0.1',
      BOTSKY_GATEWAY_PORT: String(gatewayPort),
      UPSTREAM_KEY: 'sk-up-test',
    };
    const proc = runNode(t, MAIN, ['up', '--data', join(dir, 'nats'), '--bus', natsUrl()], env);
    const [, ops] = await waitForOutput(proc, /^ops: (\S+)/m, 60_000);
    const ready = (await waitFor200(`${ops}/readyz`, { timeoutMs: 2000, child: proc })) as ReadinessReport;
    assert.deepEqual(Object.keys(ready.checks).sort(), [...ALL_CHECKS, 'gateway.bus'].sort());
    const [, gateway] = await waitForOutput(proc, /^gateway: (\S+)$/m, 1000);
    assert.equal(gateway, `http://127.0.0.1:${gatewayPort}/v1`);
    assert.equal((await fetch(`${gateway}/models`)).status, 401, 'the gateway answers, and wants a key');
    assert.equal((await fetch(`${gateway}/bots`)).status, 401, 'the bot API is on (a registry secret made for the run), and wants a key');
    await waitForMetric(ops!, /^botsky_botrunner_registry_bots\{[^}]*state="live"[^}]*\} 0$/m); // and bot-runner follows the registry
    proc.child.kill('SIGINT');
    const exit = await proc.exited;
    assert.equal(exit.code, 0, exit.stderr);
    assert.match(exit.stdout, /^botsky up: 7 services in one process \(NATS at nats:\/\//);
    assert.match(exit.stdout, /^ {2}gateway +ready +LLM gateway/m);
    assert.match(exit.stdout, /running; Ctrl-C to stop\nbotsky up: stopped\n$/);
  });

  it('no source: /readyz answers 503 on ingest.source alone, up says why, and still stops with exit 0', async (t) => {
    const url = `ws://127.0.0.1:${await closedPort()}/subscribe`;
    const proc = runNode(t, MAIN, ['up', '--data', join(dir, 'nosource')], { ...OPS_ENV, BOTSKY_INGEST_URL: url });
    const [, ops] = await waitForOutput(proc, /^ops: (\S+)/m, 60_000);
    const res = await fetch(`${ops}/readyz`);
    const report = (await res.json()) as ReadinessReport;
    assert.equal(res.status, 503);
    assert.deepEqual(Object.keys(report.checks).sort(), ALL_CHECKS);
    for (const [check, result] of Object.entries(report.checks)) {
      if (check === 'ingest.source') assert.deepEqual(result, { ok: false, error: 'not connected to the source yet' });
      else assert.deepEqual(result, { ok: true }, check);
    }
    proc.child.kill('SIGINT');
    const exit = await proc.exited;
    assert.equal(exit.code, 0, exit.stderr);
    const lines = exit.stdout.split('\n');
    assert.ok(
      lines.some((l) => /^ {2}ingest +not ready +\S/.test(l)),
      exit.stdout,
    );
    for (const name of SERVICES.slice(0, -1))
      assert.ok(
        lines.some((l) => new RegExp(`^ {2}${name} +ready +\\S`).test(l)),
        `${name} ready`,
      );
    assert.ok(lines.includes(`ingest: not connected to the source yet: firehose at ${url} (BOTSKY_INGEST_URL);`), exit.stdout);
    assert.ok(!exit.stdout.includes('That default'), 'the URL was set, so no word on the default');
  });

  it('a bad config value stops it before anything starts: exit 2, one line', async (t) => {
    const exit = await runNode(t, MAIN, ['up', '--data', join(dir, 'bad')], { BOTSKY_DRAIN_TIMEOUT_MS: 'forever' }).exited;
    assert.equal(exit.code, 2);
    assert.equal(
      exit.stderr,
      'botsky: config: BOTSKY_DRAIN_TIMEOUT_MS must be a whole number of milliseconds >= 1 (no unit: the name says ms) (got "forever")\n',
    );
    assert.equal(exit.stdout, '');
  });
});

describe("up's environment for self-service bots", () => {
  const MODELS = { BOTSKY_GATEWAY_MODELS_FILE: '/tmp/models.json' };

  it('with the gateway: one registry secret for it and bot-runner, made per run unless given, and the gateway URL for bot-runner', () => {
    const made = selfServiceEnv(MODELS);
    assert.match(made.BOTSKY_REGISTRY_SECRET ?? '', /^[A-Za-z0-9_-]{43}$/, '32 random bytes');
    assert.notEqual(selfServiceEnv(MODELS).BOTSKY_REGISTRY_SECRET, made.BOTSKY_REGISTRY_SECRET, 'a new one each run');
    assert.equal(made.BOTSKY_GATEWAY_URL, 'http://127.0.0.1:4000');
    assert.deepEqual(
      selfServiceEnv({ ...MODELS, BOTSKY_REGISTRY_SECRET: 'the-operators', BOTSKY_GATEWAY_HOST: '::1', BOTSKY_GATEWAY_PORT: '4100' }),
      { BOTSKY_REGISTRY_SECRET: 'the-operators', BOTSKY_GATEWAY_URL: 'http://[::1]:4100' },
    );
  });

  it('without the gateway: nothing; on port 0: no URL to give', () => {
    assert.deepEqual(selfServiceEnv({ BOTSKY_REGISTRY_SECRET: 'the-operators' }), {});
    assert.equal(selfServiceEnv({ ...MODELS, BOTSKY_GATEWAY_PORT: '0' }).BOTSKY_GATEWAY_URL, undefined);
  });
});

describe("up's hint when ingest has no source", () => {
  const report = (ok: boolean): ReadinessReport => ({
    ready: ok,
    phase: 'ready',
    checks: { 'ingest.bus': { ok: true }, 'ingest.source': ok ? { ok } : { ok, error: 'not connected to the source yet' } },
  });

  it('on the default URL, says it is a local PDS and how to read the real network instead', () => {
    const hint = sourceHint(report(false), {}).join('\n');
    assert.match(
      hint,
      /^ingest: not connected to the source yet: firehose at ws:\/\/127\.0\.0\.1:2583\/xrpc\/com\.atproto\.sync\.subscribeRepos \(BOTSKY_INGEST_URL\);/,
    );
    assert.match(hint, /That default is a PDS on this machine/);
    assert.match(hint, /BOTSKY_INGEST_SOURCE=jetstream BOTSKY_INGEST_URL=wss:\/\/\S+ *\n *BOTSKY_INGEST_SCOPE=community/);
  });

  it('says nothing once the source is connected', () => {
    assert.deepEqual(sourceHint(report(true), {}), []);
  });
});
