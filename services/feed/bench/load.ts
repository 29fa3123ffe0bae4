// The load generator for feed.bench.ts, run as its own process so the feed's one thread is
// measured alone. Usage: node load.ts <url> <mode: rate|max> <rate or concurrency> <durationMs>
// Prints one JSON line: { sent, ok, errors, seconds, rps, p50Ms, p99Ms, maxMs }.
// At a fixed rate, latency counts from when each request was due (no coordinated omission).
import { Pool } from 'undici';

const [url, mode, amountArg, durationArg] = process.argv.slice(2) as [string, string, string, string];
const amount = Number(amountArg);
const durationMs = Number(durationArg);
const target = new URL(url);
// undici's pool: keep-alive connections and far less client CPU per request than node:http, so
// the figures measure the server, not the load generator.
const pool = new Pool(target.origin, { connections: 64, pipelining: 1 });
const path = target.pathname + target.search;
const latencies: number[] = [];
let ok = 0;
let errors = 0;

async function get(): Promise<void> {
  try {
    const res = await pool.request({ path, method: 'GET' });
    await res.body.dump();
    if (res.statusCode === 200) ok++;
    else errors++;
  } catch {
    errors++;
  }
}

async function timed(dueAt: number): Promise<void> {
  await get();
  latencies.push(performance.now() - dueAt);
}

async function fixedRate(rate: number): Promise<number> {
  const start = performance.now();
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  while (performance.now() - start < durationMs) {
    const due = Math.floor(((performance.now() - start) * rate) / 1000);
    for (; sent < due; sent++) {
      const p = timed(start + (sent * 1000) / rate);
      inFlight.add(p);
      void p.then(() => inFlight.delete(p));
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inFlight);
  return sent;
}

async function maxThroughput(concurrency: number): Promise<number> {
  const start = performance.now();
  let sent = 0;
  const worker = async () => {
    while (performance.now() - start < durationMs) {
      sent++;
      await timed(performance.now());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return sent;
}

const started = performance.now();
const sent = mode === 'rate' ? await fixedRate(amount) : await maxThroughput(amount);
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
process.stdout.write(
  `${JSON.stringify({ sent, ok, errors, seconds, rps: ok / seconds, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1) })}\n`,
);
await pool.close();
