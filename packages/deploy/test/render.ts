// Renders the chart with helm for the tests.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CHART_DIR, helm, parseManifests, type K8sObject } from '../src/index.ts';

export const CI_DIR = join(CHART_DIR, 'ci');

export async function ciValuesFiles(): Promise<string[]> {
  return (await readdir(CI_DIR)).filter((f) => f.endsWith('-values.yaml')).sort();
}

/** `helm template` of the chart as release `botsky` in namespace `botsky`, parsed. */
export async function render(valuesFiles: readonly string[] = [], extra: readonly string[] = []): Promise<K8sObject[]> {
  const args = ['template', 'botsky', CHART_DIR, '--namespace', 'botsky'];
  for (const file of valuesFiles) args.push('--values', file);
  return parseManifests(await helm([...args, ...extra]));
}

export function ofKind(objects: readonly K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** A loose view of nested fields, for assertions on rendered objects. */
// biome-ignore lint/suspicious/noExplicitAny: rendered YAML has no static shape; assertions check it
export type Loose = any;

/** A container's environment as name → value (or valueFrom for one from a Secret). */
export function envOf(container: Loose): Record<string, Loose> {
  return Object.fromEntries((container.env ?? []).map((e: Loose) => [e.name, e.value ?? e.valueFrom]));
}

/** The environment of service `name`'s container (`botsky-<name>`). */
export function serviceEnv(objects: readonly K8sObject[], name: string): Record<string, Loose> {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `botsky-${name}`) as Loose;
  if (deployment === undefined) throw new Error(`no Deployment botsky-${name}`);
  return envOf(deployment.spec.template.spec.containers[0]);
}
