// A load test's figures: set-up, writes, ingest's events and the exactly-once check, printed as
// a table and written as JSON.
import { cpus, hostname, loadavg } from 'node:os';
import type { SimulationStats } from '@botsky/population/driver';
import type { LoadOptions } from './options.ts';
import type { Tally, TallyReport } from './tally.ts';

export interface Phases {
  setupS: number;
  /** From the first account asked for to the last one made. */
  accountsS: number;
  accountsMade: number;
  runS: number;
  catchUpS: number;
  setupFailures: number;
  errorSamples: string[];
}

export interface LoadFigures {
  date: string;
  machine: { host: string; cpus: number; cpu_model: string; load_avg_1m_end: number };
  users: number;
  sim_minutes: number;
  seed: number;
  bus: string;
  setup: { seconds: number; accounts: number; accounts_per_s: number; records: number; failed_attempts: number };
  run: { seconds: number; records: number; batches: number; records_per_s: number; posts: number; replies: number };
  /** events_per_s: over the whole run (the PDS's pace); peak: the busiest 10 s. */
  ingest: { events: number; events_per_s: number; peak_events_per_s: number; catch_up_s: number };
  exactly_once: TallyReport & { ok: boolean };
  errors: { total: number; writes_dropped: number; samples: string[] };
  peak_rss_mb: number;
  total_s: number;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export function figuresOf(o: LoadOptions, stats: SimulationStats, tally: Tally, p: Phases, totalS: number): LoadFigures {
  const check = tally.report();
  const span = (tally.lastEventAt - tally.firstEventAt) / 1000;
  return {
    date: new Date().toISOString(),
    machine: {
      host: hostname(),
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model ?? 'unknown',
      load_avg_1m_end: round(loadavg()[0] ?? 0, 2),
    },
    users: o.users,
    sim_minutes: o.minutes,
    seed: o.seed,
    bus: o.busUrl,
    setup: {
      seconds: round(p.setupS),
      accounts: stats.accounts,
      accounts_per_s: p.accountsS > 0 ? round(p.accountsMade / p.accountsS) : 0,
      records: stats.setupWrites,
      failed_attempts: p.setupFailures,
    },
    run: {
      seconds: round(p.runS),
      records: stats.writes,
      batches: stats.batches,
      records_per_s: p.runS > 0 ? round(stats.writes / p.runS) : 0,
      posts: stats.posts,
      replies: stats.conversationReplies,
    },
    ingest: {
      events: tally.events,
      events_per_s: span > 0 ? round(tally.events / span) : 0,
      peak_events_per_s: round(tally.peakPer10s / 10),
      catch_up_s: round(p.catchUpS),
    },
    exactly_once: { ...check, ok: check.missing === 0 && check.duplicated === 0 && check.undecodable === 0 },
    errors: { total: stats.errors + p.setupFailures, writes_dropped: stats.writesDropped, samples: p.errorSamples },
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    total_s: round(totalS),
  };
}

export function printFigures(f: LoadFigures, out: (line: string) => void): void {
  const kinds = (m: Record<string, number>) =>
    Object.entries(m)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  const rows: Array<[string, string]> = [
    ['people', `${f.setup.accounts} of ${f.users} (seed ${f.seed})`],
    ['set-up', `${f.setup.seconds} s: ${f.setup.accounts_per_s} accounts/s, ${f.setup.records} records (profiles, follows)`],
    [
      'activity',
      `${f.sim_minutes} simulated minutes in ${f.run.seconds} s: ${f.run.records} records in ${f.run.batches} applyWrites, ${f.run.records_per_s} records/s`,
    ],
    [
      'ingest',
      `${f.ingest.events} events, ${f.ingest.events_per_s} events/s (busiest 10 s: ${f.ingest.peak_events_per_s}/s), caught up ${f.ingest.catch_up_s} s after the last write (${f.bus})`,
    ],
    ['written', kinds(f.exactly_once.written)],
    ['events', kinds(f.exactly_once.events)],
    [
      'exactly once',
      `${f.exactly_once.ok ? 'yes' : 'NO'}: missing ${f.exactly_once.missing}, duplicated ${f.exactly_once.duplicated}, unrecorded ${f.exactly_once.unrecorded}, undecodable ${f.exactly_once.undecodable}`,
    ],
    [
      'errors',
      `${f.errors.total} (records dropped ${f.errors.writes_dropped})${f.errors.samples[0] ? `, first: ${f.errors.samples[0]}` : ''}`,
    ],
    ['peak RSS', `${f.peak_rss_mb} MB`],
    ['machine', `${f.machine.cpus} x ${f.machine.cpu_model}, load ${f.machine.load_avg_1m_end} at the end; ${f.total_s} s in all`],
  ];
  for (const [k, v] of rows) out(`${k.padEnd(13)} ${v}`);
}
