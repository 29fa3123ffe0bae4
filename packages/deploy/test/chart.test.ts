// charts/botsky with a real helm: lint, every ci/*-values.yaml scenario rendered and validated
// against the Kubernetes schemas, and what each scenario must contain.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { botRunnerConfigSpec } from '@botsky/bot-runner';
import { parseModels } from '@botsky/gateway';
import { loadConfig } from '@botsky/kit';
import { CHART_DIR, REPO_ROOT, helm, validateAll, findObject, type K8sObject } from '../src/index.ts';
import { CI_DIR, ciValuesFiles, envOf, ofKind, render, serviceEnv, type Loose } from './render.ts';

const SERVICES = ['ingest', 'matchmaker', 'bot-runner', 'feed', 'scoring', 'web'];

describe('charts/botsky', async () => {
  const files = await ciValuesFiles();

  test('has ci scenarios', () => {
    assert.ok(files.length >= 5, `ci/ has ${files.length} *-values.yaml files`);
  });

  for (const file of files) {
    test(`helm lint --strict with ci/${file}`, async () => {
      const out = await helm(['lint', CHART_DIR, '--strict', '--values', join(CI_DIR, file)]);
      assert.match(out, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });

    test(`ci/${file} renders objects that validate against the Kubernetes schemas`, async () => {
      const objects = await render([join(CI_DIR, file)]);
      assert.ok(objects.length > 0);
      assert.deepEqual(await validateAll(objects), []);
      const keys = objects.map((o) => `${o.kind}/${o.metadata.name}`);
      assert.deepEqual(
        keys.filter((k, i) => keys.indexOf(k) !== i),
        [],
        'no object is rendered twice',
      );
      checkServices(objects);
    });
  }

  test('defaults: six services, NATS, ClickHouse and Grafana bundled, scraping annotations', async () => {
    const objects = await render();
    for (const name of SERVICES) {
      const pod: Loose = findObject(objects, 'Deployment', `botsky-${name}`).spec;
      assert.equal(pod.template.metadata.annotations['prometheus.io/scrape'], 'true');
    }
    assert.deepEqual(
      ofKind(objects, 'StatefulSet')
        .map((s) => s.metadata.name)
        .sort(),
      ['botsky-clickhouse', 'botsky-nats'],
    );
    const grafana: Loose = findObject(objects, 'Deployment', 'botsky-grafana');
    const env = envOf(grafana.spec.template.spec.containers[0]);
    assert.equal(env.BOTSKY_CLICKHOUSE_HOST, 'botsky-clickhouse');
    assert.equal(env.BOTSKY_CLICKHOUSE_PORT, '8123');
    assert.equal(env.GF_INSTALL_PLUGINS, 'grafana-clickhouse-datasource', 'the plugin is downloaded by default');
    assert.equal(grafana.spec.template.spec.initContainers, undefined);
    assert.equal(ofKind(objects, 'ServiceMonitor').length, 0, 'no ServiceMonitor without the Prometheus Operator');
    const dashboards: Loose = findObject(objects, 'ConfigMap', 'botsky-grafana-dashboards');
    assert.deepEqual(Object.keys(dashboards.data).sort(), ['activity.json', 'gateway.json', 'leaderboard.json', 'pipeline.json']);
  });

  test('external: nothing bundled, the services use the given bus, warehouse and Secrets', async () => {
    const objects = await render([join(CI_DIR, 'external-values.yaml')]);
    assert.equal(ofKind(objects, 'StatefulSet').length, 0);
    assert.equal(ofKind(objects, 'Secret').length, 0, 'every credential comes from an existing Secret');
    const scoring = envOf((findObject(objects, 'Deployment', 'botsky-scoring') as Loose).spec.template.spec.containers[0]);
    assert.equal(scoring.BOTSKY_WAREHOUSE, 'https://clickhouse.analytics.svc:8443');
    assert.equal(scoring.BOTSKY_NAMESPACE, 'prod');
    assert.deepEqual(scoring.CLICKHOUSE_PASSWORD, { secretKeyRef: { name: 'clickhouse-credentials', key: 'password' } });
    const runner: Loose = findObject(objects, 'Deployment', 'botsky-bot-runner');
    const container = runner.spec.template.spec.containers[0];
    assert.equal(envOf(container).BOTSKY_BOTS_FILE, '/etc/botsky/bots/registry.json');
    assert.equal(envOf(container).OPENAI_API_KEY.secretKeyRef.name, 'botsky-llm-keys');
    assert.deepEqual(container.envFrom, [{ secretRef: { name: 'botsky-bot-app-passwords' } }]);
    assert.equal(runner.spec.template.spec.volumes.find((v: Loose) => v.name === 'bots').secret.secretName, 'botsky-bots');
    // A registry's { secretRef: { name, key } } is read at BOTSKY_SECRETS_DIR/<name>/<key>.
    const tokens = runner.spec.template.spec.volumes.find((v: Loose) => v.secret?.secretName === 'botsky-model-tokens');
    const mount = container.volumeMounts.find((m: Loose) => m.name === tokens.name);
    assert.equal(mount.mountPath, join(envOf(container).BOTSKY_SECRETS_DIR, 'botsky-model-tokens'));
    assert.equal(mount.readOnly, true);
    // Self-service bots on without a gateway here: the registry secret from the named Secret, the other release's gateway.
    assert.deepEqual(envOf(container).BOTSKY_REGISTRY_SECRET, { secretKeyRef: { name: 'botsky-registry-secret', key: 'registry-secret' } });
    assert.equal(envOf(container).BOTSKY_GATEWAY_URL, 'https://gateway.llm.svc:4000');
  });

  test('keda: a ScaledObject on the namespaced reply-task consumer, and no fixed replica count', async () => {
    const objects = await render([join(CI_DIR, 'keda-values.yaml')]);
    const scaled: Loose = findObject(objects, 'ScaledObject', 'botsky-bot-runner');
    assert.equal(scaled.spec.scaleTargetRef.name, 'botsky-bot-runner');
    assert.deepEqual(scaled.spec.triggers[0].metadata, {
      natsServerMonitoringEndpoint: 'botsky-nats.botsky.svc:8222',
      account: '$G',
      stream: 'staging_BOTSKY_TASKS',
      consumer: 'bot-runner',
      lagThreshold: '10',
    });
    assert.equal((findObject(objects, 'Deployment', 'botsky-bot-runner') as Loose).spec.replicas, undefined);
    const monitor: Loose = findObject(objects, 'ServiceMonitor', 'botsky');
    assert.equal(monitor.spec.endpoints[0].honorLabels, true, "keeps the services' own `service` label");
    assert.equal(monitor.metadata.labels.release, 'kube-prometheus-stack');
  });

  test('airgapped: Grafana downloads nothing; an init container copies the plugins from the given image', async () => {
    const objects = await render([join(CI_DIR, 'airgapped-values.yaml')]);
    const pod: Loose = (findObject(objects, 'Deployment', 'botsky-grafana') as Loose).spec.template.spec;
    assert.equal(envOf(pod.containers[0]).GF_INSTALL_PLUGINS, undefined);
    const [init] = pod.initContainers;
    assert.equal(init.image, 'registry.example.org/botsky/grafana-plugins:clickhouse-4.8.2');
    assert.deepEqual(init.command.slice(-1), ['/plugins']);
    const mount = (c: Loose) => c.volumeMounts.find((m: Loose) => m.name === 'storage').mountPath;
    assert.equal(mount(init), '/var/lib/grafana', "into the volume that holds Grafana's plugin folder");
    assert.equal(mount(pod.containers[0]), '/var/lib/grafana');
    for (const o of ofKind(objects, 'Deployment').concat(ofKind(objects, 'StatefulSet')) as Loose[]) {
      for (const c of [...(o.spec.template.spec.initContainers ?? []), ...o.spec.template.spec.containers]) {
        assert.match(c.image, /^"?registry\.example\.org\//, `${o.metadata.name}/${c.name} pulls from the cluster's registry`);
      }
    }
  });

  test('hpa: an HPA on bot-runner, and no fixed replica count', async () => {
    const objects = await render([join(CI_DIR, 'hpa-values.yaml')]);
    const hpa: Loose = findObject(objects, 'HorizontalPodAutoscaler', 'botsky-bot-runner');
    assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [3, 12]);
    assert.equal((findObject(objects, 'Deployment', 'botsky-bot-runner') as Loose).spec.replicas, undefined);
  });

  test('scaling bot-runner is one value', async () => {
    const objects = await render([], ['--set', 'botRunner.replicas=7']);
    assert.equal((findObject(objects, 'Deployment', 'botsky-bot-runner') as Loose).spec.replicas, 7);
  });

  test('feed-public: Ingress, hostname and did:web, chart-made Secrets for the registry and keys', async () => {
    const objects = await render([join(CI_DIR, 'feed-public-values.yaml')]);
    const ingress: Loose = findObject(objects, 'Ingress', 'botsky-feed');
    assert.equal(ingress.spec.rules[0].host, 'feed.botsky.example.org');
    assert.equal(ingress.spec.rules[0].http.paths[0].backend.service.port.name, 'http');
    const feed = envOf((findObject(objects, 'Deployment', 'botsky-feed') as Loose).spec.template.spec.containers[0]);
    assert.equal(feed.BOTSKY_FEED_SERVICE_DID, 'did:web:feed.botsky.example.org');
    const keys: Loose = findObject(objects, 'Secret', 'botsky-llm-keys');
    assert.equal(Buffer.from(keys.data.OPENAI_API_KEY, 'base64').toString(), 'sk-test-not-a-real-key');
    const bots: Loose = findObject(objects, 'Secret', 'botsky-bots');
    assert.match(Buffer.from(bots.data['bots.yaml'], 'base64').toString(), /id: sunny/);
  });

  test('gateway: Deployment, Service and PDB, its models as a ConfigMap the gateway itself accepts, keys by reference only', async () => {
    const objects = await render([join(CI_DIR, 'gateway-values.yaml')]);
    const deployment: Loose = findObject(objects, 'Deployment', 'botsky-gateway');
    const container = deployment.spec.template.spec.containers[0];
    const env = envOf(container);
    assert.equal(env.BOTSKY_GATEWAY_PORT, '4000');
    assert.equal(env.BOTSKY_GATEWAY_MODELS_FILE, '/etc/botsky/gateway/models.json');
    assert.equal(env.BOTSKY_SECRETS_DIR, '/var/run/secrets/botsky');
    assert.deepEqual(env.BOTSKY_GATEWAY_ADMIN_TOKEN, { secretKeyRef: { name: 'gateway-admin', key: 'BOTSKY_GATEWAY_ADMIN_TOKEN' } });
    assert.equal(env.OPENAI_API_KEY.secretKeyRef.name, 'botsky-llm-keys');
    assert.deepEqual(container.volumeMounts.map((m: Loose) => m.mountPath).sort(), [
      '/etc/botsky/gateway',
      '/tmp',
      '/var/run/secrets/botsky/gateway-upstreams',
    ]);
    assert.deepEqual(
      (findObject(objects, 'Service', 'botsky-gateway') as Loose).spec.ports.map((p: Loose) => p.name),
      ['ops', 'http'],
    );
    findObject(objects, 'PodDisruptionBudget', 'botsky-gateway');
    const models: Loose = findObject(objects, 'ConfigMap', 'botsky-gateway-models');
    const file = JSON.parse(models.data['models.json']);
    // What the chart writes is what the gateway loads: its own parser, the references resolved as a pod would.
    const secretsDir = await mkdtemp(join(tmpdir(), 'botsky-gateway-secrets-'));
    await mkdir(join(secretsDir, 'gateway-upstreams'));
    await writeFile(join(secretsDir, 'gateway-upstreams', 'anthropic'), 'sk-ant-from-the-mount');
    const loaded = parseModels(file, { env: { OPENAI_API_KEY: 'sk-from-the-secret' }, secretsDir }, 'chart');
    await rm(secretsDir, { recursive: true, force: true });
    assert.deepEqual(
      loaded.map((m) => [m.id, m.provider, m.upstreamModel]),
      [
        ['gpt-4o-mini', 'openai', 'gpt-4o-mini'],
        ['claude-haiku', 'anthropic', 'claude-3-5-haiku-latest'],
      ],
    );
    assert.ok(!JSON.stringify(objects).includes('sk-from-the-secret'));
    assert.match(deployment.spec.template.metadata.annotations['checksum/models'], /^[0-9a-f]{64}$/);
    await assert.rejects(render([], ['--set', 'gateway.enabled=true']), /gateway\.enabled needs at least one model/);
  });

  test("self-service bots: with the gateway, it and bot-runner share one registry secret (the chart's own Secret, or one named), and bot-runner calls the gateway's Service", async () => {
    const objects = await render([join(CI_DIR, 'gateway-values.yaml')]);
    const gateway = serviceEnv(objects, 'gateway');
    const runner = serviceEnv(objects, 'bot-runner');
    const ref = { secretKeyRef: { name: 'botsky-registry', key: 'BOTSKY_REGISTRY_SECRET' } };
    assert.deepEqual(gateway.BOTSKY_REGISTRY_SECRET, ref);
    assert.deepEqual(runner.BOTSKY_REGISTRY_SECRET, ref, 'what the gateway seals, bot-runner opens');
    const secret: Loose = findObject(objects, 'Secret', 'botsky-registry');
    assert.match(Buffer.from(secret.data.BOTSKY_REGISTRY_SECRET, 'base64').toString(), /^[A-Za-z0-9]{32}$/, 'generated at install');
    const service: Loose = findObject(objects, 'Service', 'botsky-gateway');
    const http = service.spec.ports.find((p: Loose) => p.name === 'http');
    assert.equal(runner.BOTSKY_GATEWAY_URL, `http://${service.metadata.name}:${http.port}`);
    const config = loadConfig(botRunnerConfigSpec, { ...runner, BOTSKY_REGISTRY_SECRET: 'x' });
    assert.deepEqual([config.gatewayUrl, config.registryPollMs, config.sandboxSamples], ['http://botsky-gateway:4000/', 2000, 3]);
    assert.equal(gateway.BOTSKY_GATEWAY_URL, undefined, "the gateway's own");

    const given = await render(
      [join(CI_DIR, 'gateway-values.yaml')],
      ['--set', 'selfServiceBots.secret=from-the-values', '--set', 'selfServiceBots.sandboxSamples=5'],
    );
    const made: Loose = findObject(given, 'Secret', 'botsky-registry');
    assert.equal(Buffer.from(made.data.BOTSKY_REGISTRY_SECRET, 'base64').toString(), 'from-the-values');
    assert.equal(serviceEnv(given, 'bot-runner').BOTSKY_SANDBOX_SAMPLES, '5');
    const existing = await render(
      [join(CI_DIR, 'gateway-values.yaml')],
      ['--set', 'selfServiceBots.existingSecret=bots-seal', '--set', 'selfServiceBots.secretKey=seal'],
    );
    assert.ok(!existing.some((o) => o.kind === 'Secret' && o.metadata.name === 'botsky-registry'), "no Secret of the chart's own");
    for (const name of ['gateway', 'bot-runner'])
      assert.deepEqual(serviceEnv(existing, name).BOTSKY_REGISTRY_SECRET, { secretKeyRef: { name: 'bots-seal', key: 'seal' } }, name);
  });

  test('self-service bots: off without the gateway unless asked for, and off with it when withGateway is false', async () => {
    const defaults = await render();
    const runner = serviceEnv(defaults, 'bot-runner');
    assert.deepEqual(
      Object.keys(runner).filter((k) => /REGISTRY|GATEWAY_URL|SANDBOX/.test(k)),
      [],
    );
    assert.ok(!defaults.some((o) => o.kind === 'Secret' && o.metadata.name === 'botsky-registry'));
    const asked = await render([], ['--set', 'selfServiceBots.enabled=true']);
    const env = serviceEnv(asked, 'bot-runner');
    assert.deepEqual(env.BOTSKY_REGISTRY_SECRET, { secretKeyRef: { name: 'botsky-registry', key: 'BOTSKY_REGISTRY_SECRET' } });
    assert.equal(env.BOTSKY_GATEWAY_URL, undefined, 'no gateway to point at');
    findObject(asked, 'Secret', 'botsky-registry');
    const off = await render([join(CI_DIR, 'gateway-values.yaml')], ['--set', 'selfServiceBots.withGateway=false']);
    for (const name of ['gateway', 'bot-runner']) assert.equal(serviceEnv(off, name).BOTSKY_REGISTRY_SECRET, undefined, name);
    await assert.rejects(
      render([], ['--set-string', 'botRunner.env.BOTSKY_REGISTRY_SECRET=plain']),
      /BOTSKY_REGISTRY_SECRET in the env of bot-runner .* set that value instead/,
    );
  });

  test('a ServiceMonitor appears by itself when the cluster serves the Prometheus Operator API', async () => {
    const objects = await render([], ['--api-versions', 'monitoring.coreos.com/v1/ServiceMonitor']);
    assert.equal(ofKind(objects, 'ServiceMonitor').length, 1);
    assert.deepEqual(await validateAll(ofKind(objects, 'ServiceMonitor')), []);
  });

  test('the helm test hook asks every service and the bundled servers', async () => {
    const objects = await render();
    const pod: Loose = findObject(objects, 'Pod', 'botsky-test');
    assert.equal(pod.metadata.annotations['helm.sh/hook'], 'test');
    const urls: string[] = pod.spec.containers[0].args.slice(3);
    for (const name of SERVICES) {
      assert.ok(urls.includes(`http://botsky-${name}:9464/healthz`), name);
      assert.ok(urls.includes(`http://botsky-${name}:9464/readyz`), name);
    }
    assert.ok(urls.includes('http://botsky-clickhouse:8123/ping'));
    assert.ok(urls.includes('http://botsky-grafana:3000/api/health'));
  });
});

/** What every service Deployment must have, whatever the scenario. */
function checkServices(objects: readonly K8sObject[]): void {
  for (const deployment of ofKind(objects, 'Deployment') as Loose[]) {
    const component = deployment.metadata.labels['app.kubernetes.io/component'];
    if (!SERVICES.includes(component)) continue;
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    const env = envOf(container);
    assert.ok(existsSync(join(REPO_ROOT, container.args[0])), `${component} runs ${container.args[0]}, which exists`);
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
    assert.equal(container.livenessProbe.httpGet.port, 'ops');
    assert.equal(container.ports[0].containerPort, Number(env.BOTSKY_OPS_PORT));
    assert.ok(container.resources.requests, `${component} has resource requests`);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    const drain = Number(env.BOTSKY_DRAIN_TIMEOUT_MS);
    const preStop = Number(container.lifecycle.preStop.exec.command[1]);
    assert.ok(pod.terminationGracePeriodSeconds > preStop + drain / 1000, `${component}: grace period outlasts preStop + drain`);
    const pdb = findObject(objects, 'PodDisruptionBudget', deployment.metadata.name) as Loose;
    assert.deepEqual(pdb.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
  }
}
