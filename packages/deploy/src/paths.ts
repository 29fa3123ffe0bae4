// Where the deployment artefacts live, from the repository root.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CHART_DIR = join(REPO_ROOT, 'charts', 'botsky');
export const K8S_DIR = join(REPO_ROOT, 'k8s');
export const GRAFANA_DIR = join(REPO_ROOT, 'grafana');
export const DASHBOARDS_DIR = join(GRAFANA_DIR, 'dashboards');
/** The chart's copy of grafana/ (Helm reads files only from inside the chart). */
export const CHART_GRAFANA_DIR = join(CHART_DIR, 'files', 'grafana');
