// The Pipeline dashboard has data on a bare cluster: by default the chart bundles a Prometheus
// whose rendered config Debian's promtool accepts, which finds every service pod (and nothing
// else) through a headless Service, and which Grafana's Prometheus datasource names. With the
// Prometheus Operator the documented path renders a ServiceMonitor and Grafana reads that one.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { findObject, validateAll, type K8sObject } from '../src/index.ts';
import { CI_DIR, envOf, ofKind, render, type Loose } from './render.ts';

const run = promisify(execFile);
const SERVICES = ['ingest', 'matchmaker', 'bot-runner', 'feed', 'scoring', 'web'];

/** `promtool check config` on the text; resolves with its output, rejects with it when it refuses. */
async function promtoolCheck(config: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'botsky-promtool-'));
  try {
    const file = join(dir, 'prometheus.yml');
    await writeFile(file, config);
    const { stdout, stderr } = await run('promtool', ['check', 'config', file]);
    return stdout + stderr;
  } catch (err) {
    const e = err as { code?: string; stdout?: string; stderr?: string; message: string };
    if (e.code === 'ENOENT') throw new Error('promtool is missing: apt-get install prometheus (scripts/test-services.sh does it)');
    throw new Error(`promtool refused the config: ${e.stdout ?? ''}${e.stderr ?? e.message}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function selects(selector: Record<string, string>, labels: Record<string, string> = {}): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

describe('the bundled Prometheus', async () => {
  const objects = await render();
  const configText: string = (findObject(objects, 'ConfigMap', 'botsky-prometheus') as Loose).data['prometheus.yml'];
  const config = parse(configText) as Loose;

  test('is there by default, and promtool accepts its config', async () => {
    assert.equal(ofKind(objects, 'Deployment').filter((d) => d.metadata.name === 'botsky-prometheus').length, 1);
    assert.match(await promtoolCheck(configText), /SUCCESS/);
    await assert.rejects(promtoolCheck(`${configText}\n  - job_name: botsky\n`), /promtool refused/, 'a broken config fails the check');
  });

  test('scrapes every service pod and nothing else, through the headless Service its config names', () => {
    const [job] = config.scrape_configs;
    assert.equal(job.metrics_path, '/metrics');
    const [sd] = job.dns_sd_configs;
    assert.deepEqual(sd.names, ['botsky-metrics.botsky.svc']);
    const headless: Loose = findObject(objects, 'Service', 'botsky-metrics');
    assert.equal(headless.spec.clusterIP, 'None');
    assert.equal(headless.spec.publishNotReadyAddresses, true, 'a pod that is not ready is scraped too');
    assert.equal(sd.port, headless.spec.ports[0].port);
    for (const d of [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'StatefulSet')] as Loose[]) {
      const component = d.spec.template.metadata.labels['app.kubernetes.io/component'];
      const picked = selects(headless.spec.selector, d.spec.template.metadata.labels);
      assert.equal(picked, SERVICES.includes(component), `${d.metadata.name} ${picked ? 'is' : 'is not'} scraped`);
      if (picked) assert.equal(d.spec.template.spec.containers[0].ports[0].containerPort, sd.port, `${component}'s ops port`);
    }
    assert.equal(headless.metadata.labels['app.kubernetes.io/metrics'], undefined, 'a ServiceMonitor does not pick it up too');
  });

  test("is Grafana's Prometheus datasource, and helm test asks it", () => {
    const url = new URL(
      envOf((findObject(objects, 'Deployment', 'botsky-grafana') as Loose).spec.template.spec.containers[0]).BOTSKY_PROMETHEUS_URL,
    );
    const service: Loose = findObject(objects, 'Service', url.hostname);
    assert.equal(Number(url.port), service.spec.ports[0].port);
    const deployment: Loose = findObject(objects, 'Deployment', 'botsky-prometheus');
    assert.ok(selects(service.spec.selector, deployment.spec.template.metadata.labels), 'the Service reaches the Prometheus pod');
    const pod = deployment.spec.template.spec;
    assert.equal(pod.automountServiceAccountToken, false, 'DNS discovery needs no Kubernetes API access');
    assert.ok(pod.containers[0].args.includes('--storage.tsdb.retention.time=15d'));
    assert.ok(pod.containers[0].args.includes('--storage.tsdb.retention.size=2GB'));
    const test: Loose = findObject(objects, 'Pod', 'botsky-test');
    assert.ok(test.spec.containers[0].args.includes('http://botsky-prometheus:9090/-/ready'));
  });
});

describe('with the Prometheus Operator instead', async () => {
  const objects = await render([join(CI_DIR, 'network-scope-values.yaml')]);

  test('a ServiceMonitor, no bundled Prometheus, and Grafana reads the given one', async () => {
    const monitor = findObject(objects, 'ServiceMonitor', 'botsky') as K8sObject & Loose;
    assert.deepEqual(await validateAll([monitor]), []);
    assert.equal(monitor.spec.endpoints[0].port, 'ops');
    assert.ok(!objects.some((o) => o.metadata.name === 'botsky-prometheus' || o.metadata.name === 'botsky-metrics'));
    const grafana = envOf((findObject(objects, 'Deployment', 'botsky-grafana') as Loose).spec.template.spec.containers[0]);
    assert.equal(grafana.BOTSKY_PROMETHEUS_URL, 'http://prometheus-operated.monitoring.svc:9090');
  });
});
