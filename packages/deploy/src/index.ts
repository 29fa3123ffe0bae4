// @botsky/deploy: the checks and tools behind the deployment artefacts (charts/, k8s/, grafana/,
// the Dockerfile and compose.yaml).
export * from './paths.ts';
export * from './zip.ts';
export * from './helm.ts';
export * from './manifests.ts';
export * from './values-schema.ts';
export * from './chart-files.ts';
export * from './render-k8s.ts';
export * from './dashboards.ts';
export * from './dockerfile.ts';
