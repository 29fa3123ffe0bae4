// What `botsky up` prints once it is ready: each service's state, and a hint when ingest is not
// connected to its source. ingest starts its connection as it starts and connects a moment
// later, so `up` lets /readyz settle briefly before saying what is and is not ready.
import { setTimeout as sleep } from 'node:timers/promises';
import { ingestConfigSpec } from '@botsky/ingest';
import { loadConfig, type AnyServiceDefinition, type Env, type ReadinessReport } from '@botsky/kit';

const SETTLE_MS = 3000;
const POLL_MS = 100;

export interface ReadyInfo {
  opsUrl: string;
  report: ReadinessReport;
}

/** The report once every check passes, or the latest after SETTLE_MS or once the process stops. */
export async function settledReport(info: ReadyInfo): Promise<ReadinessReport> {
  let report = info.report;
  const until = Date.now() + SETTLE_MS;
  while (!report.ready && report.phase === 'ready' && Date.now() < until) {
    await sleep(POLL_MS);
    try {
      const res = await fetch(`${info.opsUrl}/readyz`, { signal: AbortSignal.timeout(SETTLE_MS) });
      report = (await res.json()) as ReadinessReport;
    } catch {
      break; // the ops server is closing: the process is stopping
    }
  }
  return report;
}

/** One line per service: name, ready or not, what it does. */
export function serviceLines(services: readonly AnyServiceDefinition[], report: ReadinessReport): string[] {
  return services.map((def) => `  ${def.name.padEnd(11)} ${serviceState(def.name, report).padEnd(9)} ${def.summary}`);
}

function serviceState(name: string, report: ReadinessReport): string {
  const failing = Object.entries(report.checks).filter(([check, r]) => check.startsWith(`${name}.`) && !r.ok);
  return report.phase === 'ready' && failing.length === 0 ? 'ready' : 'not ready';
}

/**
 * Why ingest is not ready, when its source is what is missing. The default BOTSKY_INGEST_URL is a
 * PDS on this machine, which `up` does not start, so a bare `botsky up` lands here.
 */
export function sourceHint(report: ReadinessReport, env: Env): string[] {
  const check = report.checks['ingest.source'];
  if (check === undefined || check.ok) return [];
  const { source, sourceUrl } = loadConfig(ingestConfigSpec, env);
  const lines = [
    `ingest: ${check.error ?? 'not connected'}: ${source} at ${sourceUrl} (BOTSKY_INGEST_URL);`,
    '  it keeps trying, and /readyz answers 503 (ingest.source) until it connects.',
  ];
  if (!env.BOTSKY_INGEST_URL) {
    lines.push(
      '  That default is a PDS on this machine. To read the real network (community scope), set',
      '  BOTSKY_INGEST_SOURCE=jetstream BOTSKY_INGEST_URL=wss://jetstream2.us-east.bsky.network/subscribe',
      '  BOTSKY_INGEST_SCOPE=community; docs/configuration.md#ingest has the rest.',
    );
  }
  return lines;
}
