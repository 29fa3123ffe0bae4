// Live fan-out: the web service as its own process (its main, on NATS JetStream), 1,000 viewers
// connected to /api/live from a second process (viewers.ts), and this process publishing network
// posts at 50/s. Measured: the delay from an event's publication to its arrival at each viewer
// (p50, p99; goal p99 < 100 ms), and the web process's CPU time per event (its own
// process_cpu_seconds_total). Run directly to print the figures:
//   node services/web/bench/fanout.bench.ts [--quick]
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { eventually } from '@botsky/async';
import type { BenchResult } from '@botsky/bench';
import { createBus, parseBusUrl } from '@botsky/bus';
import { deleteTestNamespace, freePort, natsUrl, processCpuSeconds, testNamespace } from '@botsky/kit/testing';
import { ensureClient } from '../src/client-build.ts';
import { publishPost } from '../test/helpers.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const VIEWERS = fileURLToPath(new URL('./viewers.ts', import.meta.url));
const RATE_PER_S = 50;

function lines(child: ChildProcess): { all: string[] } {
  const out = { all: [] as string[] };
  let buf = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buf += String(chunk);
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    out.all.push(...parts);
  });
  return out;
}

export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const viewers = opts.quick ? 200 : 1000;
  const events = opts.quick ? 50 : 300;
  await ensureClient();
  const namespace = testNamespace('webbench');
  const [webPort, opsPort] = [await freePort(), await freePort()];
  const opsUrl = `http://127.0.0.1:${opsPort}`;
  const web = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      BOTSKY_BUS: natsUrl(),
      BOTSKY_NAMESPACE: namespace,
      BOTSKY_WEB_HOST: '127.0.0.1',
      BOTSKY_WEB_PORT: String(webPort),
      BOTSKY_OPS_HOST: '127.0.0.1',
      BOTSKY_OPS_PORT: String(opsPort),
      BOTSKY_WEB_RECENT_EVENTS: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const bus = await createBus({ ...parseBusUrl(natsUrl()), namespace });
  let watchers: ChildProcess | undefined;
  try {
    await eventually('the web service ready', async () => (await fetch(`${opsUrl}/readyz`)).ok, { timeoutMs: 30_000, intervalMs: 100 });
    watchers = spawn(process.execPath, [VIEWERS, `http://127.0.0.1:${webPort}`, String(viewers), String(events), '120000'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const out = lines(watchers);
    await eventually('the viewers connected', () => out.all.some((l) => l.startsWith('connected')), { timeoutMs: 60_000 });
    const cpuBefore = await processCpuSeconds(opsUrl);
    const started = performance.now();
    for (let i = 0; i < events; i++) {
      await publishPost(bus, 'bench', `e${i}`, `bench ${i}`);
      const due = started + ((i + 1) * 1000) / RATE_PER_S;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await once(watchers, 'exit');
    const cpuAfter = await processCpuSeconds(opsUrl);
    const stats = JSON.parse(out.all.find((l) => l.startsWith('{')) ?? '{}') as { received: number; p50Ms: number; p99Ms: number };
    console.log(
      `  ${viewers} viewers, ${events} events at ${RATE_PER_S}/s: ${stats.received} deliveries of ${viewers * events}, p50 ${stats.p50Ms} ms, p99 ${stats.p99Ms} ms`,
    );
    return [
      {
        name: `web.live_fanout.p99_ms`,
        value: stats.received === viewers * events ? stats.p99Ms : Number.POSITIVE_INFINITY,
        unit: 'ms',
        higherIsBetter: false,
      },
      { name: `web.live_fanout.p50_ms`, value: stats.p50Ms, unit: 'ms', higherIsBetter: false },
      { name: 'web.live_fanout.cpu_us_per_event', value: ((cpuAfter - cpuBefore) * 1e6) / events, unit: 'us/event', higherIsBetter: false },
    ];
  } finally {
    watchers?.kill();
    web.kill('SIGTERM');
    await once(web, 'exit').catch(() => undefined);
    await bus.close();
    await deleteTestNamespace(namespace);
  }
}

if (import.meta.main) {
  for (const r of await run({ quick: process.argv.includes('--quick') })) console.log(`${r.name} ${r.value.toFixed(2)} ${r.unit}`);
}
