// compose.yaml parses, builds from the repository's Dockerfile, mounts files that exist, runs
// scripts that exist, outlasts the drain deadline on stop, sets only variables each service reads
// (with values it accepts), gives ingest a source, and gives Grafana every variable its
// provisioning file reads (the chart's Grafana too).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { parseModels } from '@botsky/gateway';
import { loadConfig, runtimeConfigSpec } from '@botsky/kit';
import { GRAFANA_DIR, REPO_ROOT, findObject } from '../src/index.ts';
import { render, type Loose } from './render.ts';
import { SERVICE_SPECS, unreadVariables } from './support/service-variables.ts';

const SERVICES = ['ingest', 'matchmaker', 'bot-runner', 'feed', 'scoring', 'web'];
/** Services behind a compose profile (off unless asked for): the gateway needs models. */
const PROFILED = ['gateway'];

/** A service's environment as compose gives it, with `${VAR:-default}` from `shell` (none set by default). */
function composedEnv(svc: Loose, shell: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries<unknown>(svc.environment ?? {})) {
    env[name] = String(value).replace(/\$\{(\w+):-([^}]*)\}/g, (_, v: string, fallback: string) => shell[v] || fallback);
  }
  return env;
}

describe('compose.yaml', async () => {
  const compose: Loose = parse(await readFile(join(REPO_ROOT, 'compose.yaml'), 'utf8'), { merge: true });
  const datasources = await readFile(join(GRAFANA_DIR, 'provisioning', 'datasources', 'botsky.yaml'), 'utf8');
  const settings = datasources
    .split('\n')
    .filter((l) => !l.trim().startsWith('#'))
    .join('\n');
  const grafanaVars = [...new Set([...settings.matchAll(/\$\{?(\w+)/g)].map((m) => m[1]!))];

  test('has NATS, ClickHouse, Prometheus, Grafana and every service', () => {
    assert.deepEqual(
      Object.keys(compose.services).sort(),
      ['clickhouse', 'grafana', 'nats', 'prometheus', ...SERVICES, ...PROFILED].sort(),
    );
    for (const name of PROFILED) assert.deepEqual(compose.services[name].profiles, [name]);
  });

  test('every service builds the Dockerfile and runs a script that exists', () => {
    for (const name of [...SERVICES, ...PROFILED]) {
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

  test('every service sets only variables its config reads, with values it accepts', () => {
    for (const name of [...SERVICES, ...PROFILED]) {
      const env = composedEnv(compose.services[name]);
      assert.deepEqual(unreadVariables(name, Object.keys(env)), [], `${name}: variables it does not read`);
      assert.doesNotThrow(() => loadConfig(runtimeConfigSpec, env), `${name}: runtime config`);
      assert.doesNotThrow(() => loadConfig(SERVICE_SPECS[name]!, env), `${name}: its config`);
    }
  });

  test('ingest has an explicit source: the real network through Jetstream, community scope, each overridable', () => {
    const raw = compose.services.ingest.environment;
    for (const name of ['BOTSKY_INGEST_SOURCE', 'BOTSKY_INGEST_URL', 'BOTSKY_INGEST_SCOPE']) {
      assert.match(String(raw[name]), new RegExp(`^\\$\\{${name}:-.+\\}$`), `${name} can be set from the shell or .env`);
    }
    const config = loadConfig(SERVICE_SPECS.ingest!, composedEnv(compose.services.ingest)) as Loose;
    assert.equal(config.source, 'jetstream');
    assert.match(config.sourceUrl, /^wss:\/\/jetstream\d\.[a-z-]+\.bsky\.network\/subscribe$/);
    assert.equal(config.scope, 'community');
  });

  test("the gateway's example models file, which compose mounts, is one the gateway loads", async () => {
    const file = JSON.parse(await readFile(join(REPO_ROOT, 'examples', 'gateway', 'models.json'), 'utf8'));
    const models = parseModels(file, { env: { OPENAI_API_KEY: 'sk-x', ANTHROPIC_API_KEY: 'sk-ant-x' }, secretsDir: '/nonexistent' });
    assert.deepEqual(
      models.map((m) => [m.id, m.provider]),
      [
        ['gpt-4o-mini', 'openai'],
        ['claude-haiku', 'anthropic'],
      ],
    );
    assert.equal(compose.services.gateway.environment.BOTSKY_GATEWAY_MODELS_FILE, '/etc/botsky/gateway/models.json');
  });

  test('self-service bots: the gateway and bot-runner take one BOTSKY_REGISTRY_SECRET from the shell, bot-runner calls the gateway', () => {
    const { gateway, 'bot-runner': runner } = compose.services;
    // Unset unless the operator sets it: a default everyone knows would seal nothing.
    for (const svc of [gateway, runner]) assert.match(svc.environment.BOTSKY_REGISTRY_SECRET, /^\$\{BOTSKY_REGISTRY_SECRET:-\}$/);
    const shell = { BOTSKY_REGISTRY_SECRET: 'from-the-shell' };
    const sealer = loadConfig(SERVICE_SPECS.gateway!, composedEnv(gateway, shell)) as Loose;
    const opener = loadConfig(SERVICE_SPECS['bot-runner']!, composedEnv(runner, shell)) as Loose;
    assert.equal(sealer.registrySecret.reveal(), 'from-the-shell');
    assert.equal(opener.registrySecret.reveal(), 'from-the-shell');
    assert.equal((loadConfig(SERVICE_SPECS['bot-runner']!, composedEnv(runner)) as Loose).registrySecret, undefined, 'off unless set');
    const port = (loadConfig(SERVICE_SPECS.gateway!, composedEnv(gateway)) as Loose).port;
    assert.equal(runner.environment.BOTSKY_GATEWAY_URL, `http://gateway:${port}`, "the gateway service's name and port");
    assert.deepEqual([opener.registryPollMs, opener.sandboxSamples], [2000, 3]);
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

  test('Grafana gets every variable of the datasources file, in compose and in the chart', async () => {
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
