// Helm reads files only from inside the chart, so the chart keeps a copy of grafana/ (the
// provisioning files and the dashboards) under files/grafana. grafana/ is the source; the sync
// rewrites the copy and a test checks it is current.
import type { Dirent } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { CHART_GRAFANA_DIR, GRAFANA_DIR } from './paths.ts';

/** grafana/'s files that the chart needs, by path relative to grafana/. */
export async function grafanaSourceFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const path of await listFiles(GRAFANA_DIR)) {
    if (/\.(json|ya?ml)$/.test(path)) files.set(relative(GRAFANA_DIR, path), await readFile(path, 'utf8'));
  }
  return files;
}

/** The chart's copy, by path relative to files/grafana (empty when there is none yet). */
export async function chartGrafanaFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const path of await listFiles(CHART_GRAFANA_DIR)) files.set(relative(CHART_GRAFANA_DIR, path), await readFile(path, 'utf8'));
  return files;
}

export async function syncChartGrafanaFiles(): Promise<void> {
  await rm(CHART_GRAFANA_DIR, { recursive: true, force: true });
  for (const [path, text] of await grafanaSourceFiles()) {
    const target = join(CHART_GRAFANA_DIR, path);
    await mkdir(join(target, '..'), { recursive: true });
    await writeFile(target, text);
  }
}

export async function listFiles(dir: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}
