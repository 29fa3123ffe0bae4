// k8s/ and the chart's generated files are current: k8s/manifests is what the chart renders with
// k8s/values.yaml, and the chart's copy of grafana/ matches grafana/. Both are rewritten by
// `node packages/deploy/src/render-k8s.ts`.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  K8S_MANIFESTS,
  chartGrafanaFiles,
  grafanaSourceFiles,
  listFiles,
  parseManifests,
  renderK8sManifests,
  validateAll,
} from '../src/index.ts';

const FIX = 'run node packages/deploy/src/render-k8s.ts';

test('k8s/manifests matches a fresh render of the chart with k8s/values.yaml', async () => {
  const expected = await renderK8sManifests();
  const present = (await listFiles(K8S_MANIFESTS)).map((p) => p.slice(K8S_MANIFESTS.length + 1));
  assert.deepEqual(present.sort(), [...expected.keys()].sort(), FIX);
  for (const [file, text] of expected) {
    assert.equal(await readFile(join(K8S_MANIFESTS, file), 'utf8'), text, `k8s/manifests/${file} is stale: ${FIX}`);
  }
});

test('k8s/manifests validate against the Kubernetes schemas and hold no Secret', async () => {
  const objects = [];
  for (const path of await listFiles(K8S_MANIFESTS)) objects.push(...parseManifests(await readFile(path, 'utf8')));
  assert.ok(objects.length > 20);
  assert.deepEqual(await validateAll(objects), []);
  assert.deepEqual(
    objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name),
    [],
  );
});

test("the chart's copy of grafana/ is current", async () => {
  const source = await grafanaSourceFiles();
  assert.ok(source.size >= 5, 'grafana/ has dashboards and provisioning files');
  assert.deepEqual(await chartGrafanaFiles(), source, FIX);
});
