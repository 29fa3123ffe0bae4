// Every metric the dashboards' PromQL names is one the services really export: the list comes
// from /metrics of `botsky up` (all five services in one process, so every service's metrics
// are registered), not from a hand-kept list.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PROMETHEUS_UID, REPO_ROOT, exposedMetricNames, loadDashboards, promMetricNames, queriesOf } from '../src/index.ts';

describe('dashboards: Prometheus metrics', async () => {
  const queries = queriesOf(await loadDashboards(), PROMETHEUS_UID);
  let dir: string;
  let child: ChildProcess | undefined;
  let exported: Set<string>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botsky-metrics-'));
    child = spawn(process.execPath, ['packages/cli/src/main.ts', 'up', '--data', dir], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        BOTSKY_OPS_PORT: '0',
        BOTSKY_OPS_HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        // ports of their own: other suites run at the same time
        BOTSKY_FEED_PORT: '0',
        BOTSKY_WEB_PORT: '0',
        BOTSKY_LEADERBOARD_PORT: '0',
        BOTSKY_LEADERBOARD_GRPC_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const opsUrl = await readOpsUrl(child);
    const res = await fetch(`${opsUrl}/metrics`);
    assert.equal(res.status, 200);
    exported = exposedMetricNames(await res.text());
  });

  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the services export process, Node.js and BotSky metrics', () => {
    for (const name of ['botsky_ready', 'process_cpu_seconds_total', 'nodejs_heap_size_used_bytes']) {
      assert.ok(exported.has(name), `${name} is exported`);
    }
  });

  test('the dashboards have Prometheus queries', () => {
    assert.ok(queries.length >= 5, `${queries.length} queries`);
  });

  test('the Pipeline dashboard shows what operators watch (issue 6)', () => {
    const named = new Set(queries.filter((q) => q.dashboard === 'pipeline.json').flatMap((q) => promMetricNames(q.text)));
    const required = [
      // events per second per service
      'botsky_ingest_events_total',
      'botsky_matchmaker_posts_total',
      'botsky_botrunner_replies_total',
      'botsky_feed_requests_total',
      'botsky_feed_impressions_total',
      'botsky_scoring_rows_written_total',
      'botsky_scoring_flushes_total',
      // lag and latency
      'botsky_bus_consumer_pending',
      'botsky_bus_consumer_ack_pending',
      'botsky_botrunner_post_to_reply_seconds_bucket',
      'botsky_botrunner_llm_latency_seconds_bucket',
      'botsky_feed_request_seconds_bucket',
      // errors
      'botsky_ingest_decode_errors_total',
      'botsky_botrunner_model_errors_total',
      // LLM tokens and cost, write budgets
      'botsky_botrunner_tokens_total',
      'botsky_botrunner_cost_usd_total',
      'botsky_botrunner_budget_used_points',
      'botsky_botrunner_budget_limit_points',
    ];
    assert.deepEqual(
      required.filter((name) => !named.has(name)),
      [],
    );
  });

  for (const q of queries) {
    test(`${q.dashboard}: ${q.source}`, () => {
      const names = promMetricNames(q.text);
      assert.ok(names.length > 0, `no metric found in ${q.text}`);
      for (const name of names) assert.ok(exported.has(name), `${name} (in ${q.text}) is not exported by any service`);
    });
  }
});

/** Waits for `botsky up` to print its ops URL (it does once every service is ready). */
function readOpsUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    // A listener, not an async iterator: leaving the iterator would close the pipe under the child.
    child.stdout!.on('data', (chunk) => {
      seen += String(chunk);
      const m = /^ops: (http:\/\/\S+)/m.exec(seen);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`botsky up exited (code ${code}) before printing its ops URL:\n${seen}`)));
  });
}
