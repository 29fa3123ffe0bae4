// Reads the dashboards of grafana/dashboards: their ClickHouse queries (with Grafana's macros
// and variables expanded to plain SQL, so they can be run as they would be) and the metric
// names their PromQL uses.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DASHBOARDS_DIR } from './paths.ts';

export const CLICKHOUSE_UID = 'botsky-clickhouse';
export const PROMETHEUS_UID = 'botsky-prometheus';

export interface DashboardQuery {
  dashboard: string;
  /** The panel's title, or `variable <name>` for a template variable's query. */
  source: string;
  text: string;
}

interface Datasource {
  uid?: string;
}
interface Target {
  datasource?: Datasource;
  rawSql?: string;
  expr?: string;
}
interface Panel {
  title?: string;
  datasource?: Datasource;
  targets?: Target[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  datasource?: Datasource;
  query?: string | { query?: string };
}
export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating?: { list: Variable[] };
}

export async function loadDashboards(dir = DASHBOARDS_DIR): Promise<Map<string, Dashboard>> {
  const out = new Map<string, Dashboard>();
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.json')).sort()) {
    out.set(file, JSON.parse(await readFile(join(dir, file), 'utf8')) as Dashboard);
  }
  return out;
}

/** Every query of the datasource `uid` in the dashboards: panel targets and variable queries. */
export function queriesOf(dashboards: Map<string, Dashboard>, uid: string): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  for (const [file, dashboard] of dashboards) {
    const walk = (panels: Panel[]): void => {
      for (const panel of panels) {
        for (const target of panel.targets ?? []) {
          if ((target.datasource ?? panel.datasource)?.uid !== uid) continue;
          const text = target.rawSql ?? target.expr;
          if (text) out.push({ dashboard: file, source: panel.title ?? '(untitled)', text });
        }
        walk(panel.panels ?? []);
      }
    };
    walk(dashboard.panels);
    for (const variable of dashboard.templating?.list ?? []) {
      if (variable.datasource?.uid !== uid || variable.query === undefined) continue;
      const text = typeof variable.query === 'string' ? variable.query : variable.query.query;
      if (text) out.push({ dashboard: file, source: `variable ${variable.name}`, text });
    }
  }
  return out;
}

export interface MacroContext {
  from: Date;
  to: Date;
  intervalSeconds: number;
  /** Values of the dashboard variables (multi-value ones as arrays). */
  variables: Record<string, string | string[]>;
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/**
 * The SQL the ClickHouse datasource plugin would send: its time macros ($__timeFilter(col),
 * $__fromTime, $__toTime, $__timeInterval(col), $__interval_s) and Grafana's variables
 * (${name}, ${name:singlequote}, $name). Throws when a `$` is left, so an unknown macro fails.
 */
export function expandClickHouseMacros(sql: string, ctx: MacroContext): string {
  const from = `toDateTime(${seconds(ctx.from)})`;
  const to = `toDateTime(${seconds(ctx.to)})`;
  let out = sql
    .replace(/\$__timeFilter\(([^)]+)\)/g, (_m, col: string) => `${col.trim()} >= ${from} AND ${col.trim()} <= ${to}`)
    .replace(
      /\$__timeInterval\(([^)]+)\)/g,
      (_m, col: string) => `toStartOfInterval(toDateTime(${col.trim()}), INTERVAL ${ctx.intervalSeconds} second)`,
    )
    .replace(/\$__fromTime\b/g, from)
    .replace(/\$__toTime\b/g, to)
    .replace(/\$__interval_s\b/g, String(ctx.intervalSeconds));
  out = out.replace(/\$\{(\w+)(?::(\w+))?\}|\$(\w+)/g, (match, braced?: string, format?: string, bare?: string) => {
    const name = braced ?? bare!;
    const value = ctx.variables[name];
    if (value === undefined) throw new Error(`unknown variable or macro ${match}`);
    const values = Array.isArray(value) ? value : [value];
    if (format === 'singlequote') return values.map((v) => `'${v.replace(/'/g, "\\'")}'`).join(',');
    if (format !== undefined) throw new Error(`unsupported variable format ${match}`);
    return values.join(',');
  });
  if (out.includes('$')) throw new Error(`unexpanded macro in: ${out}`);
  return out;
}

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/** The metric names a PromQL expression (or a label_values(metric, label) query) reads. */
export function promMetricNames(expr: string): string[] {
  const labelValues = /^\s*label_values\(\s*([a-zA-Z_:][\w:]*)\s*,/.exec(expr);
  if (labelValues) return [labelValues[1]!];
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // label values
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // range selectors
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ''); // label lists
  const names = new Set<string>();
  for (const m of stripped.matchAll(/([a-zA-Z_:][\w:]*)\s*(\()?/g)) {
    const [, word, call] = m;
    if (call || PROMQL_WORDS.has(word!.toLowerCase())) continue; // a function or aggregation
    names.add(word!);
  }
  return [...names];
}

/**
 * Metric names in a Prometheus text exposition: every sample's name, and every declared
 * family's series names, since a labelled histogram (GC durations by kind, say) has no sample
 * until its first observation but is exported all the same.
 */
export function exposedMetricNames(exposition: string): Set<string> {
  const names = new Set<string>();
  const suffixes: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] };
  for (const line of exposition.split('\n')) {
    const type = /^# TYPE ([a-zA-Z_:][\w:]*) (\w+)/.exec(line);
    if (type) for (const suffix of suffixes[type[2]!] ?? ['']) names.add(type[1]! + suffix);
    const sample = /^([a-zA-Z_:][\w:]*)[{ ]/.exec(line);
    if (sample) names.add(sample[1]!);
  }
  return names;
}
