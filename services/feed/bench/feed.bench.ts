// getFeedSkeleton under load: the feed service runs in this process (one thread; its impressions
// go to NATS JetStream when a server answers, else to the in-process bus), and bench/load.ts
// drives HTTP keep-alive load from a second process: a fixed 1,000 req/s (p99 latency, goal
// < 10 ms), then as fast as 32 connections go (requests/s), and the CPU time per request at the
// fixed rate. On a shared machine latency mostly measures the neighbours, so the same fixed-rate
// load against a bare node:http server is printed next to it. 10 bots × 500 replies, limit 30
// (what the Bluesky app asks a feed for). Run directly to print the figures:
//   node services/feed/bench/feed.bench.ts [--quick]
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createBus, parseBusUrl, type Bus } from '@botsky/bus';
import { createLogging, createMetrics, loadConfig } from '@botsky/kit';
import { createContext, createFeedService, feedConfigSpec } from '../src/index.ts';
import type { BenchResult } from '@botsky/bench';

interface LoadResult {
  sent: number;
  ok: number;
  errors: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const LOAD = fileURLToPath(new URL('./load.ts', import.meta.url));
const run$ = promisify(execFile);

async function openBus(namespace: string): Promise<{ bus: Bus; kind: string }> {
  try {
    const bus = await createBus({ ...parseBusUrl(NATS_URL), namespace });
    await bus.ping();
    return { bus, kind: 'nats' };
  } catch {
    return { bus: await createBus({ kind: 'memory' } as ReturnType<typeof parseBusUrl>), kind: 'memory' };
  }
}

async function dropNamespace(namespace: string): Promise<void> {
  const nc = await connect({ servers: NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) if (name.startsWith(`${namespace}_`)) await jsm.streams.delete(name);
  } finally {
    await nc.close();
  }
}

/** Shares of getFeedSkeleton requests the server handled within 1, 2, 5 and 10 ms (its own histogram). */
async function serverSide(metrics: ReturnType<typeof createMetrics>): Promise<string> {
  const values = (await metrics.registry.getSingleMetric('botsky_feed_request_seconds')?.get())?.values ?? [];
  const mine = values.filter((v) => v.labels.method === 'app.bsky.feed.getFeedSkeleton');
  const total = mine.find((v) => v.labels.le === '+Inf')?.value ?? 0;
  const share = (le: number) => (((mine.find((v) => v.labels.le === le)?.value ?? 0) / Math.max(1, total)) * 100).toFixed(1);
  return [0.001, 0.002, 0.005, 0.01].map((le) => `${share(le)}%`).join('/');
}

/**
 * The same load against a bare node:http server in this process answering a fixed copy of a real
 * response: what this machine allows right now, the latency no code of ours could beat.
 */
async function floor(body: string, ms: number): Promise<LoadResult> {
  const server = createServer({ keepAliveTimeout: 65_000 }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    await load(url, 'max', 8, 500);
    return await load(url, 'rate', 1000, ms);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

async function load(url: string, mode: 'rate' | 'max', amount: number, ms: number): Promise<LoadResult> {
  const { stdout } = await run$(process.execPath, [LOAD, url, mode, String(amount), String(ms)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as LoadResult;
}

export async function run({ quick }: { quick: boolean }): Promise<BenchResult[]> {
  const namespace = `bench${Date.now().toString(36)}`;
  const { bus, kind } = await openBus(namespace);
  const config = loadConfig(feedConfigSpec, { BOTSKY_FEED_PORT: '0', BOTSKY_FEED_HOST: '127.0.0.1', BOTSKY_BUS: 'memory' });
  const { createLogger } = createLogging({ level: 'silent' });
  const metrics = createMetrics({ service: 'feed', defaultMetrics: false });
  const ctx = await createContext(config, { bus, createLogger, logger: createLogger('feed'), metrics });
  const service = createFeedService(ctx);
  await service.start(new AbortController().signal);
  try {
    for (let b = 0; b < 10; b++) {
      for (let i = 0; i < 500; i++) {
        service.state.store.add({
          uri: `at://did:plc:bot${b}/app.bsky.feed.post/${i}`,
          botId: `bot${b}`,
          createdAtMs: Date.now(),
          authorDid: '',
          mentionDid: '',
        });
      }
    }
    await new Promise((r) => setTimeout(r, 50));
    const url = `${service.http?.url}/xrpc/app.bsky.feed.getFeedSkeleton?feed=${encodeURIComponent(service.state.feedUri)}&limit=30`;
    await load(url, 'max', 8, 1000); // warm-up: JIT and connections
    // CPU time this process spent per request at the fixed rate (serving, ranking, encoding and
    // publishing impressions): unlike latency, it hardly depends on what else the machine runs.
    const cpu0 = process.cpuUsage();
    const fixed = await load(url, 'rate', 1000, quick ? 3000 : 8000);
    const cpu = process.cpuUsage(cpu0);
    const cpuUsPerReq = (cpu.user + cpu.system) / Math.max(1, fixed.ok);
    const max = await load(url, 'max', 32, quick ? 2000 : 5000);
    const bare = await floor(await (await fetch(url)).text(), quick ? 2000 : 4000);
    await service.state.impressions.flush();
    const published = (await metrics.registry.getSingleMetric('botsky_feed_impressions_total')?.get())?.values[0]?.value ?? 0;
    const dropped =
      (await metrics.registry.getSingleMetric('botsky_feed_impressions_dropped_total')?.get())?.values.reduce((s, v) => s + v.value, 0) ??
      0;
    const served = await serverSide(metrics);
    console.log(
      `feed bench (bus ${kind}): at 1000 req/s ${JSON.stringify(fixed)}, ${cpuUsPerReq.toFixed(0)} µs CPU per request (user ${(cpu.user / 1000).toFixed(0)} ms, system ${(cpu.system / 1000).toFixed(0)} ms); max ${JSON.stringify(max)}; impressions published ${published}, dropped ${dropped}; handled in the server within 1/2/5/10 ms: ${served}; a bare node:http server with the same body at 1000 req/s: p50 ${bare.p50Ms.toFixed(2)} ms, p99 ${bare.p99Ms.toFixed(2)} ms; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    return [
      { name: 'feed.getFeedSkeleton.rps', value: Math.round(max.rps), unit: 'req/s', higherIsBetter: true },
      { name: 'feed.getFeedSkeleton.p99_ms', value: Number(fixed.p99Ms.toFixed(2)), unit: 'ms', higherIsBetter: false },
      { name: 'feed.getFeedSkeleton.cpu_us_per_req', value: Math.round(cpuUsPerReq), unit: 'µs', higherIsBetter: false },
    ];
  } finally {
    await service.drain();
    await service.stop();
    await ctx.close();
    await bus.close();
    if (kind === 'nats') await dropNamespace(namespace);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await run({ quick: process.argv.includes('--quick') })) console.log(`${r.name} ${r.value} ${r.unit}`);
}
