// compose.yaml parses, builds from the repository's Dockerfile, mounts files that exist, runs
// scripts that exist, outlasts the drain deadline on stop, and gives Grafana every variable its
// provisioning file reads (the chart's Grafana too).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { GRAFANA_DIR, REPO_ROOT, findObject } from '../src/index.ts';
import { render, type Loose } from './render.ts';

const SERVICES = ['ingest', 'matchmaker', 'bot-runner', 'feed', 'scoring'];

describe('compose.yaml', async () => {
  const compose: Loose = parse(await readFile(join(REPO_ROOT, 'compose.yaml'), 'utf8'), { merge: true });
  const datasources = await readFile(join(GRAFANA_DIR, 'provisioning', 'datasources', 'botsky.yaml'), 'utf8');
  const settings = datasources.split('\n').filter((l) => !l.trim().startsWith('#')).join('\n');
  const grafanaVars = [...new Set([...settings.matchAll(/\$\{?(\w+)/g)].map((m) => m[1]!))];

  test('has NATS, ClickHouse, Prometheus, Grafana and the five services', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), ['clickhouse', 'grafana', 'nats', 'prometheus', ...SERVICES].sort());
  });

  test('every service builds the Dockerfile and runs a script that exists', () => {
    for (const name of SERVICES) {
      const svc = compose.services[name];
      assert.equal(svc.build, '.', name);
      assert.ok(existsSync(join(REPO_ROOT, 'Dockerfile')));
      assert.deepEqual(svc.command, [`services/${name}/src/main.ts`]);
      assert.ok(existsSync(join(REPO_ROOT, svc.command[0])), svc.command[0]);
      assert.equal(svc.environment.BOTSKY_BUS, 'nats://nats:4222', name);
      const grace = Number(/^(\d+)s$/.exec(svc.stop_grace_period)?.[1]);
      assert.ok(grace * 1000 > Number(svc.environment.BOTSKY_DRAIN_TIMEOUT_MS ?? 10_000), `${name} outlasts its drain`);
    }
    assert.equal(compose.services.scoring.environment.BOTSKY_WAREHOUSE, 'http://clickhouse:8123');
  });

  test('every bind mount exists', () => {
    for (const [name, svc] of Object.entries<Loose>(compose.services)) {
      for (const volume of svc.volumes ?? []) {
        const source = String(volume).split(':')[0]!;
        if (source.startsWith('.')) assert.ok(existsSync(join(REPO_ROOT, source)), `${name}: ${source}`);
        else assert.ok(source in (compose.volumes ?? {}), `${name}: named volume ${source} is declared`);
      }
    }
  });

  test("Grafana gets every variable of the datasources file, in compose and in the chart", async () => {
    assert.ok(grafanaVars.length >= 6, grafanaVars.join(', '));
    const composeEnv = compose.services.grafana.environment;
    for (const v of grafanaVars) assert.ok(v in composeEnv, `compose: ${v}`);
    const grafana: Loose = findObject(await render(), 'Deployment', 'botsky-grafana');
    const chartEnv = grafana.spec.template.spec.containers[0].env.map((e: Loose) => e.name);
    for (const v of grafanaVars) assert.ok(chartEnv.includes(v), `chart: ${v}`);
  });

  test('Prometheus scrapes each service on its ops port', () => {
    const config: Loose = parse(compose.configs.prometheus.content);
    const targets: string[] = config.scrape_configs[0].static_configs[0].targets;
    assert.deepEqual(targets.sort(), SERVICES.map((s) => `${s}:9464`).sort());
  });
});
