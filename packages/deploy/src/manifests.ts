// Rendered manifests as objects, and their validation against the Kubernetes schemas
// (kubernetes-models: the OpenAPI schemas compiled to validators) and the CRDs' schemas for the
// Prometheus Operator's ServiceMonitor and KEDA's ScaledObject.
import { parseAllDocuments } from 'yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

/** Every object in a multi-document YAML stream (empty documents skipped). */
export function parseManifests(text: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new ManifestError(`YAML error: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || !('kind' in value) || !('apiVersion' in value)) {
      throw new ManifestError(`a document is not a Kubernetes object: ${JSON.stringify(value).slice(0, 120)}`);
    }
    objects.push(value as K8sObject);
  }
  return objects;
}

/** Module that holds the models of an apiVersion that is not a built-in group. */
const CRD_MODULES: Record<string, string> = {
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
  'keda.sh/v1alpha1': '@kubernetes-models/keda/keda.sh/v1alpha1',
};

interface ModelClass {
  new (data: unknown): { validate(): void };
}

async function modelFor(apiVersion: string, kind: string): Promise<ModelClass> {
  const specifier = CRD_MODULES[apiVersion] ?? `kubernetes-models/${apiVersion}`;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (err) {
    throw new ManifestError(`no schemas for apiVersion ${apiVersion}`, { cause: err });
  }
  const model = mod[kind];
  if (typeof model !== 'function') throw new ManifestError(`no schema for ${kind} in ${apiVersion}`);
  return model as ModelClass;
}

/** Throws a ManifestError naming the object and the first schema violation. */
export async function validateObject(obj: K8sObject): Promise<void> {
  const Model = await modelFor(obj.apiVersion, obj.kind);
  try {
    new Model(obj).validate();
  } catch (err) {
    throw new ManifestError(`${obj.kind}/${obj.metadata?.name}: ${(err as Error).message}`, { cause: err });
  }
}

/** Validates every object; resolves with the list of problems (empty when all are valid). */
export async function validateAll(objects: readonly K8sObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const obj of objects) {
    try {
      await validateObject(obj);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  return problems;
}

export function findObject(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new ManifestError(`no ${kind} named ${name}`);
  return found;
}
