// One scoring replica's text purge worker. The network recorder (a consumer group: each replica
// gets its share) stores every post delete and account event, then hands the purges they ask for
// to this worker. Every BOTSKY_PURGE_INTERVAL the worker flushes the recorder's writer (so a post
// mapped before its delete is stored before the purge runs) and purges what it was handed from
// every text column at once. Every BOTSKY_PURGE_RESWEEP, and in its first pass, it purges again
// everything recorded (post deletes in interactions, account purges in account_events): that
// carries out purges a crash lost between the ack and the pass, and catches a post stored again
// (a redelivery) on a replica that did not know of its purge. After the tables, each pass and
// resweep deletes the bus messages that still carry the purged words (stream-deletes.ts). A
// failed pass is counted, logged and retried at the next one; nothing here throws into the recorder.
import type { Logger } from '@botsky/kit';
import {
  postsHoldingText,
  purgeTexts,
  recentPostPurges,
  recordedAccountPurges,
  textMutationsRunning,
  type AccountPurge,
  type PostPurge,
  type PurgeSet,
  type PurgeTarget,
  type Warehouse,
} from '@botsky/warehouse';
import type { ScoringMetrics } from '../metrics.ts';
import { PurgeLedger } from './ledger.ts';
import { deleteCarriers } from './stream-deletes.ts';
import type { PurgeRequest } from './targets.ts';

/** Targets per pass, and accounts per statement (each adds an OR term). */
const MAX_BATCH = 1000;
const ACCOUNTS_PER_STATEMENT = 100;
/** Beyond this many waiting, the oldest are dropped: they are recorded, and the resweep does them. */
const MAX_QUEUE = 100_000;

export interface TextPurgerDeps {
  warehouse: Warehouse;
  /** Stores every row the recorder has mapped so far. */
  flush: () => Promise<void>;
  /** Bus.deleteMessage: false when the stream does not hold the message. */
  deleteMessage: (stream: string, seq: number) => Promise<boolean>;
  metrics: ScoringMetrics;
  logger: Logger;
  intervalMs: number;
  resweepMs: number;
  now?: () => number;
}

export interface TextPurger {
  readonly ledger: PurgeLedger;
  readonly pending: number;
  /** Takes what a stored event asks for: a target for the next pass, or a refusal to count. */
  handle(request: PurgeRequest): void;
  start(): void;
  /** One pass now (the resweep too when due); resolves when it is done. */
  pass(): Promise<void>;
  /** Stops the timer, then carries out what it was handed. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export function createTextPurger(deps: TextPurgerDeps): TextPurger {
  const now = deps.now ?? Date.now;
  const ledger = new PurgeLedger();
  let queue: PurgeTarget[] = [];
  let nextResweepAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const runPass = async (withResweep: boolean): Promise<void> => {
    const batch = queue.splice(0, MAX_BATCH);
    const resweep = withResweep && now() >= nextResweepAt;
    if (batch.length === 0 && !resweep) return;
    try {
      await deps.flush();
      // A mutation still running (its request timed out) is waited for, not queued behind.
      if ((await textMutationsRunning(deps.warehouse)) > 0) throw new Error('a text purge mutation is still running');
      if (batch.length > 0) await purgeBatch(deps, batch);
    } catch (err) {
      queue = [...batch, ...queue];
      deps.metrics.textPurgeErrors.inc();
      deps.logger.warn({ err, targets: batch.length }, 'text purge failed; retried next pass');
      return;
    }
    if (resweep)
      await resweepAll(deps, ledger).then(
        () => (nextResweepAt = now() + deps.resweepMs),
        (err: unknown) => {
          deps.metrics.textPurgeErrors.inc();
          deps.logger.warn({ err }, 'text purge resweep failed; retried next pass');
        },
      );
  };
  // Passes run one at a time, in the order asked for.
  const enqueue = (fn: () => Promise<void>): Promise<void> => {
    const p = running.then(fn);
    running = p.catch(() => undefined);
    return p;
  };
  const schedule = () => {
    if (stopped) return;
    const tick = () => enqueue(() => runPass(true)).catch((err: unknown) => deps.logger.error({ err }, 'text purge pass threw'));
    timer = setTimeout(() => void tick().then(schedule), deps.intervalMs);
    timer.unref();
  };

  return {
    ledger,
    get pending() {
      return queue.length;
    },
    handle(request) {
      if (request === undefined) return;
      if ('rejected' in request) return void deps.metrics.textPurges.inc({ kind: request.kind, result: 'rejected' });
      ledger.add(request.target);
      queue.push(request.target);
      if (queue.length > MAX_QUEUE) queue.splice(0, queue.length - MAX_QUEUE);
    },
    start() {
      schedule();
    },
    pass: () => enqueue(() => runPass(true)),
    async drain() {
      stopped = true;
      clearTimeout(timer);
      await enqueue(() => runPass(false));
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

async function purgeBatch(deps: TextPurgerDeps, batch: readonly PurgeTarget[]): Promise<void> {
  const posts = [...new Map(batch.filter((t): t is PostPurge => t.kind === 'post').map((t) => [t.uri, t])).values()];
  const accounts = latestPerAccount(batch.filter((t): t is AccountPurge => t.kind === 'account'));
  const held = await postsHoldingText(deps.warehouse, posts);
  const sets: PurgeSet[] = [{ posts, accounts: [] }];
  for (let i = 0; i < accounts.length; i += ACCOUNTS_PER_STATEMENT)
    sets.push({ posts: [], accounts: accounts.slice(i, i + ACCOUNTS_PER_STATEMENT) });
  for (const set of sets) count(deps, await purgeTexts(deps.warehouse, set));
  for (const set of sets) await deleteCarriers(deps, set);
  for (const p of posts) deps.metrics.textPurges.inc({ kind: 'post', result: held.has(p.uri) ? 'purged' : 'nothing_stored' });
  if (accounts.length > 0) deps.metrics.textPurges.inc({ kind: 'account', result: 'purged' }, accounts.length);
}

/** Everything recorded, again; the ledger learns the most recent purges (of every replica). */
async function resweepAll(deps: TextPurgerDeps, ledger: PurgeLedger): Promise<void> {
  const accounts = await recordedAccountPurges(deps.warehouse);
  const found = new Map<string, number>();
  const add = (m: Map<string, number>) => {
    for (const [table, n] of m) found.set(table, (found.get(table) ?? 0) + n);
  };
  const sets: PurgeSet[] = [{ posts: 'recorded', accounts: [] }];
  for (let i = 0; i < accounts.length; i += ACCOUNTS_PER_STATEMENT)
    sets.push({ posts: [], accounts: accounts.slice(i, i + ACCOUNTS_PER_STATEMENT) });
  let carriers = 0;
  for (const set of sets) {
    add(await purgeTexts(deps.warehouse, set));
    carriers += await deleteCarriers(deps, set);
  }
  count(deps, found);
  for (const p of (await recentPostPurges(deps.warehouse, 100_000)).reverse()) ledger.add(p);
  for (const a of accounts) ledger.add(a);
  // Texts found here were missed by a pass (a crash, a redelivery elsewhere): worth a line.
  if (found.size > 0 || carriers > 0)
    deps.logger.info({ purged: Object.fromEntries(found), streamMessages: carriers }, 'resweep purged texts the passes had not');
}

function latestPerAccount(accounts: readonly AccountPurge[]): AccountPurge[] {
  const latest = new Map<string, AccountPurge>();
  for (const a of accounts) if ((latest.get(a.did)?.untilMs ?? -Infinity) < a.untilMs) latest.set(a.did, a);
  return [...latest.values()];
}

function count(deps: TextPurgerDeps, purged: Map<string, number>): void {
  for (const [table, n] of purged) deps.metrics.textPurged.inc({ table }, n);
}
