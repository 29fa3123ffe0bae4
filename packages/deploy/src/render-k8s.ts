// k8s/ for those without Helm: the chart rendered with k8s/values.yaml, one file per template,
// hooks and tests left out. Run it after changing the chart, grafana/ or k8s/values.yaml:
//   node packages/deploy/src/render-k8s.ts     (or pnpm --filter @botsky/deploy run render-k8s)
// It first regenerates what the chart derives from the repository (values.schema.json and the
// copy of grafana/), so one command brings every generated deployment file up to date.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { syncChartGrafanaFiles } from './chart-files.ts';
import { helm } from './helm.ts';
import { CHART_DIR, K8S_DIR } from './paths.ts';
import { writeValuesSchema } from './values-schema.ts';

export const K8S_VALUES = join(K8S_DIR, 'values.yaml');
export const K8S_MANIFESTS = join(K8S_DIR, 'manifests');
export const K8S_RELEASE = 'botsky';
export const K8S_NAMESPACE = 'botsky';

const HEADER =
  '# Generated from charts/botsky with k8s/values.yaml by `node packages/deploy/src/render-k8s.ts`.\n' +
  '# Do not edit: change the chart or k8s/values.yaml and run it again.\n';

/** The manifests k8s/manifests/ should hold, by file name. */
export async function renderK8sManifests(): Promise<Map<string, string>> {
  const out = await helm(['template', K8S_RELEASE, CHART_DIR, '--namespace', K8S_NAMESPACE, '--values', K8S_VALUES, '--skip-tests']);
  const files = new Map<string, string[]>();
  for (const doc of out.split(/^---\s*$/m)) {
    const source = /^# Source: [^/]+\/templates\/(.+)$/m.exec(doc)?.[1];
    if (source === undefined) continue; // helm's leading separator or an empty template
    const file = source.replace(/\//g, '-');
    const body = doc.replace(/^# Source: .*\n/m, '').trim();
    if (body !== '') files.set(file, [...(files.get(file) ?? []), body]);
  }
  return new Map([...files].map(([file, docs]) => [file, `${HEADER}---\n${docs.join('\n---\n')}\n`]));
}

export async function writeK8sManifests(): Promise<string[]> {
  const files = await renderK8sManifests();
  await rm(K8S_MANIFESTS, { recursive: true, force: true });
  await mkdir(K8S_MANIFESTS, { recursive: true });
  for (const [file, text] of files) await writeFile(join(K8S_MANIFESTS, file), text);
  return [...files.keys()];
}

if (import.meta.main) {
  await writeValuesSchema();
  await syncChartGrafanaFiles();
  const written = await writeK8sManifests();
  console.log(`values.schema.json and files/grafana regenerated; k8s/manifests: ${written.join(', ')}`);
}
