// Gateway overhead: the gateway as its own process (its main, keys and ledgers in NATS KV), an
// OpenAI-compatible upstream on 127.0.0.1 in this process (the LLM stand-in, answering at once),
// and this process sending chat completions open-loop at 500 a second, first straight to the
// upstream (the anchor), then through the gateway with a key. Measured: the latency the gateway
// adds (p50, p99: through the gateway minus straight), and the gateway process's CPU per request
// (its own process_cpu_seconds_total). Run directly to print the figures:
//   node services/gateway/bench/overhead.bench.ts [--quick]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '@botsky/async';
import type { BenchResult } from '@botsky/bench';
import { deleteTestNamespace, freePort, natsUrl, processCpuSeconds, testNamespace } from '@botsky/kit/testing';
import { completion, OPENAI_KEY, startOpenAIStandIn } from '@botsky/llm-stand-ins/openai';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const ADMIN = 'bench-admin-token';
const BODY = JSON.stringify({ model: 'bench', max_tokens: 32, messages: [{ role: 'user', content: 'How are you today?' }] });

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

/** `rate` requests a second for `seconds`, open-loop: each one's latency, and how many failed. */
async function load(url: string, auth: string, rate: number, seconds: number): Promise<{ ms: number[]; failed: number }> {
  const ms: number[] = [];
  let failed = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  const total = rate * seconds;
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    inFlight.push(
      fetch(url, { method: 'POST', headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' }, body: BODY })
        .then(async (res) => {
          await res.arrayBuffer();
          if (res.ok) ms.push(performance.now() - t0);
          else failed++;
        })
        .catch(() => void failed++),
    );
  }
  await Promise.all(inFlight);
  return { ms, failed };
}

export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const rate = opts.quick ? 200 : 500;
  const seconds = opts.quick ? 3 : 10;
  const upstream = await startOpenAIStandIn([completion('fine, thanks', { usage: { prompt_tokens: 12, completion_tokens: 3 } })]);
  const dir = await mkdtemp(join(tmpdir(), 'botsky-gateway-bench-'));
  const modelsFile = join(dir, 'models.json');
  await writeFile(
    modelsFile,
    JSON.stringify({
      models: [
        {
          id: 'bench',
          provider: 'openai',
          baseUrl: upstream.baseURL,
          apiKey: { env: 'UPSTREAM_KEY' },
          price: { inputPerMillion: 0.1, outputPerMillion: 0.2 },
        },
      ],
    }),
  );
  const namespace = testNamespace('gatewaybench');
  const [port, opsPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${port}`;
  const opsUrl = `http://127.0.0.1:${opsPort}`;
  const gateway = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      BOTSKY_BUS: natsUrl(),
      BOTSKY_NAMESPACE: namespace,
      BOTSKY_GATEWAY_HOST: '127.0.0.1',
      BOTSKY_GATEWAY_PORT: String(port),
      BOTSKY_OPS_HOST: '127.0.0.1',
      BOTSKY_OPS_PORT: String(opsPort),
      BOTSKY_GATEWAY_MODELS_FILE: modelsFile,
      BOTSKY_GATEWAY_ADMIN_TOKEN: ADMIN,
      UPSTREAM_KEY: OPENAI_KEY,
      LOG_LEVEL: 'warn',
      ...(process.env.GATEWAY_PROFILE ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.GATEWAY_PROFILE}` } : {}),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await eventually('the gateway ready', async () => (await fetch(`${opsUrl}/readyz`)).ok, { timeoutMs: 30_000, intervalMs: 100 });
    const made = await fetch(`${base}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ builder: 'bench', limits: { requestsPerMinute: 1_000_000, tokensPerDay: 1e12, spendCapUsd: 1e6 } }),
    });
    const { key } = (await made.json()) as { key: string };
    // Warm both paths (connections, JIT), then measure straight, then through the gateway.
    await load(`${upstream.baseURL}/chat/completions`, OPENAI_KEY, rate, 1);
    await load(`${base}/v1/chat/completions`, key, rate, 1);
    const direct = await load(`${upstream.baseURL}/chat/completions`, OPENAI_KEY, rate, seconds);
    const cpuBefore = await processCpuSeconds(opsUrl);
    const via = await load(`${base}/v1/chat/completions`, key, rate, seconds);
    const cpuAfter = await processCpuSeconds(opsUrl);
    const p = (xs: number[], q: number) => quantile(xs, q);
    console.log(
      `  ${rate} req/s for ${seconds} s: straight p50 ${p(direct.ms, 0.5).toFixed(2)} ms p99 ${p(direct.ms, 0.99).toFixed(2)} ms; ` +
        `through the gateway p50 ${p(via.ms, 0.5).toFixed(2)} ms p99 ${p(via.ms, 0.99).toFixed(2)} ms; failed ${direct.failed} / ${via.failed}`,
    );
    const ok = via.failed === 0 && via.ms.length === rate * seconds;
    return [
      {
        name: 'gateway.overhead.p50_ms',
        value: ok ? p(via.ms, 0.5) - p(direct.ms, 0.5) : Number.POSITIVE_INFINITY,
        unit: 'ms',
        higherIsBetter: false,
      },
      {
        name: 'gateway.overhead.p99_ms',
        value: ok ? p(via.ms, 0.99) - p(direct.ms, 0.99) : Number.POSITIVE_INFINITY,
        unit: 'ms',
        higherIsBetter: false,
      },
      {
        name: 'gateway.cpu_us_per_request',
        value: ((cpuAfter - cpuBefore) * 1e6) / (rate * seconds),
        unit: 'us/req',
        higherIsBetter: false,
      },
    ];
  } finally {
    gateway.kill('SIGTERM');
    await once(gateway, 'exit').catch(() => undefined);
    await upstream.close();
    await deleteTestNamespace(namespace);
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  for (const r of await run({ quick: process.argv.includes('--quick') })) console.log(`${r.name} ${r.value.toFixed(2)} ${r.unit}`);
}
