// The self-service registry as one replica follows it: re-read every BOTSKY_REGISTRY_POLL (the
// bus has no KV watch). A `live` bot this replica does not run yet, or runs at an older version,
// is started (its session shared, so every replica but the first resumes it instead of logging
// in); a bot no longer live here, or gone, is stopped. A bot in the `sandbox` is claimed by one
// replica (compare-and-set on its entry), which runs the sample posts and writes the verdict:
// `live` (every replica starts it within a poll) or `failed`, with the report.
// Bots of the file registry (BOTSKY_BOTS_FILE) keep their id: a registry entry with the same id
// is ignored here (and refused by the API).
import {
  mutateRegisteredBot,
  readRegistry,
  type RegisteredBot,
  type RegistryKv,
  SANDBOX_CLAIM_MS,
  type SandboxReport,
} from '@botsky/contracts';
import type { Logger, Sealer } from '@botsky/kit';
import type { BotAccount } from '../accounts/bot-account.ts';
import type { BotRuntime } from '../consumers/reply-task.ts';
import type { BotRunnerMetrics } from '../metrics.ts';
import type { Moderator } from '../moderation/moderate.ts';
import { createProvider } from '../providers/index.ts';
import { registeredBotEntry } from './from-kv.ts';
import type { BotEntry } from './load.ts';
import { runSandbox } from './sandbox.ts';

/** How long a bot that could not be started (a refused login, an unopenable secret) waits before the next try. */
const RETRY_AFTER_FAILURE_MS = 60_000;
/** A sample's bound when the bot names no timeout. */
const DEFAULT_SAMPLE_TIMEOUT_MS = 30_000;

export interface RegistryWatcherDeps {
  kv: RegistryKv;
  sealer: Sealer;
  gatewayUrl: string | undefined;
  samples: number;
  pollMs: number;
  /** This replica's name, kept in a sandbox claim. */
  replica: string;
  /** Ids of the file registry's bots (they win over an entry of the same id). */
  fileBots: ReadonlySet<string>;
  /** The bots the reply-task handler answers with; this watcher adds and removes the registry's. */
  runtimes: Map<string, BotRuntime>;
  /** Logs the bot in (or resumes its shared session), labels it, writes its roster entry (active). */
  start: (entry: BotEntry, signal: AbortSignal) => Promise<BotRuntime>;
  /** Logs the bot in (or resumes its shared session), for the sandbox. */
  connect: (entry: BotEntry, signal: AbortSignal) => Promise<BotAccount>;
  moderator: Moderator;
  metrics: BotRunnerMetrics;
  logger: Logger;
  now?: () => number;
}

export class RegistryWatcher {
  readonly #d: RegistryWatcherDeps;
  readonly #now: () => number;
  readonly #abort = new AbortController();
  /** Bot id -> the version this replica runs. */
  readonly #loaded = new Map<string, number>();
  /** Bot id -> the load or sandbox run in progress. */
  readonly #busy = new Map<string, Promise<void>>();
  /** Bot id -> the entry as last read. */
  #known = new Map<string, RegisteredBot>();
  readonly #failed = new Map<string, { version: number; until: number }>();
  readonly #warnedFileIds = new Set<string>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #polling: Promise<void> | undefined;

  constructor(deps: RegistryWatcherDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** Reads the registry once now (starting what is live), then every pollMs until stop(). */
  async start(): Promise<void> {
    await this.poll();
    this.#timer = setInterval(() => void this.poll(), this.#d.pollMs);
    this.#timer.unref?.();
  }

  /** Whether the registry (as last read) has this bot, whichever its state: a task for it is put back, not dead-lettered. */
  knows(botId: string): boolean {
    return this.#known.has(botId);
  }

  poll(): Promise<void> {
    this.#polling ??= this.#poll().finally(() => (this.#polling = undefined));
    return this.#polling;
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#abort.abort();
    await this.#polling;
    await Promise.allSettled([...this.#busy.values()]);
  }

  async #poll(): Promise<void> {
    if (this.#abort.signal.aborted) return;
    let read: Awaited<ReturnType<typeof readRegistry>>;
    try {
      read = await readRegistry(this.#d.kv);
    } catch (err) {
      this.#d.metrics.registryEvents.inc({ event: 'read_failed' });
      this.#d.logger.warn({ err }, 'cannot read the bot registry; keeping the bots as they are');
      return;
    }
    if (read.invalid > 0) this.#d.metrics.registryEvents.inc({ event: 'invalid' }, read.invalid);
    const known = new Map<string, RegisteredBot>();
    for (const bot of read.bots) {
      if (this.#d.fileBots.has(bot.id)) {
        if (!this.#warnedFileIds.has(bot.id))
          this.#d.logger.warn({ bot: bot.id }, 'a registry bot has the id of a file registry bot: ignored');
        this.#warnedFileIds.add(bot.id);
        continue;
      }
      known.set(bot.id, bot);
    }
    this.#known = known;
    for (const bot of known.values()) this.#act(bot);
    for (const id of [...this.#loaded.keys()]) if (!known.has(id) && !this.#busy.has(id)) this.#unload(id, 'removed');
    this.#gauges();
  }

  #act(bot: RegisteredBot): void {
    if (this.#busy.has(bot.id)) return;
    if (bot.state !== 'live') {
      if (this.#loaded.has(bot.id)) this.#unload(bot.id, bot.state);
      if (bot.state === 'sandbox' && this.#needsSandbox(bot)) this.#track(bot.id, this.#sandbox(bot));
      return;
    }
    if (this.#loaded.get(bot.id) === bot.version) return;
    const failed = this.#failed.get(bot.id);
    if (failed && failed.version === bot.version && failed.until > this.#now()) return;
    this.#track(bot.id, this.#load(bot));
  }

  #track(id: string, work: Promise<void>): void {
    this.#busy.set(
      id,
      work.finally(() => this.#busy.delete(id)),
    );
  }

  #needsSandbox(bot: RegisteredBot): boolean {
    const s = bot.sandbox;
    if (!s || s.version !== bot.version) return true;
    return s.finishedAt === undefined && this.#now() - s.claimedAt > SANDBOX_CLAIM_MS;
  }

  async #load(bot: RegisteredBot): Promise<void> {
    const { metrics, logger } = this.#d;
    try {
      const entry = registeredBotEntry(bot, this.#d.sealer, this.#d.gatewayUrl);
      const runtime = await this.#d.start(entry, this.#abort.signal);
      // The registry may have moved on while the bot logged in.
      const now = this.#known.get(bot.id);
      if (this.#abort.signal.aborted || now?.state !== 'live' || now.version !== bot.version) {
        runtime.provider.close?.();
        return;
      }
      const previous = this.#d.runtimes.get(bot.id);
      this.#d.runtimes.set(bot.id, runtime);
      if (previous && previous !== runtime) previous.provider.close?.();
      this.#loaded.set(bot.id, bot.version);
      this.#failed.delete(bot.id);
      metrics.registryEvents.inc({ event: 'loaded' });
      logger.info({ bot: bot.id, version: bot.version, builder: bot.builder, did: runtime.account.did }, 'registered bot started');
    } catch (err) {
      if (this.#abort.signal.aborted) return;
      this.#failed.set(bot.id, { version: bot.version, until: this.#now() + RETRY_AFTER_FAILURE_MS });
      metrics.registryEvents.inc({ event: 'load_failed' });
      logger.warn({ err, bot: bot.id, version: bot.version }, 'cannot start a registered bot; trying again in a minute');
    }
  }

  #unload(id: string, why: string): void {
    const runtime = this.#d.runtimes.get(id);
    this.#d.runtimes.delete(id);
    runtime?.provider.close?.();
    this.#loaded.delete(id);
    this.#d.metrics.registryEvents.inc({ event: 'unloaded' });
    this.#d.logger.info({ bot: id, why }, 'registered bot stopped');
  }

  async #sandbox(bot: RegisteredBot): Promise<void> {
    const claimedAt = this.#now();
    const claim = await mutateRegisteredBot(this.#d.kv, bot.id, (cur) =>
      cur && cur.version === bot.version && cur.state === 'sandbox' && this.#needsSandbox(cur)
        ? { ...cur, sandbox: { version: bot.version, claimedBy: this.#d.replica, claimedAt } }
        : undefined,
    ).catch(() => ({ written: false }));
    if (!claim.written) return;
    const report: SandboxReport = { version: bot.version, claimedBy: this.#d.replica, claimedAt };
    try {
      const entry = registeredBotEntry(bot, this.#d.sealer, this.#d.gatewayUrl);
      const account = await this.#d.connect(entry, this.#abort.signal);
      const provider = createProvider(entry.provider, entry.id);
      try {
        report.items = await runSandbox(entry, bot.version, {
          provider,
          moderator: this.#d.moderator,
          samples: this.#d.samples,
          botHandle: account.handle,
          timeoutMs:
            entry.provider.kind === 'offline' ? DEFAULT_SAMPLE_TIMEOUT_MS : (entry.provider.timeoutMs ?? DEFAULT_SAMPLE_TIMEOUT_MS),
          signal: this.#abort.signal,
        });
      } finally {
        provider.close?.();
      }
      report.passed = report.items.every((i) => i.ok);
    } catch (err) {
      // Stopping: the claim lapses and another replica runs it.
      if (this.#abort.signal.aborted) return;
      report.passed = false;
      report.error = (err as Error).message;
    }
    report.finishedAt = this.#now();
    const passed = report.passed === true;
    await mutateRegisteredBot(this.#d.kv, bot.id, (cur) =>
      cur && cur.version === bot.version && cur.state === 'sandbox'
        ? { ...cur, state: passed ? 'live' : 'failed', sandbox: report, updatedAt: this.#now() }
        : undefined,
    ).catch((err: unknown) =>
      this.#d.logger.warn({ err, bot: bot.id }, 'cannot write the sandbox verdict; another replica will run it again'),
    );
    this.#d.metrics.registryEvents.inc({ event: passed ? 'sandbox_passed' : 'sandbox_failed' });
    this.#d.logger.info({ bot: bot.id, version: bot.version, passed, error: report.error }, 'sandbox run finished');
    // Started here too at once, not at the next poll (once this run is no longer busy).
    if (passed) setTimeout(() => void this.poll(), 0).unref?.();
  }

  #gauges(): void {
    const counts: Record<string, number> = { sandbox: 0, live: 0, failed: 0, loaded: this.#loaded.size };
    for (const b of this.#known.values()) counts[b.state] = (counts[b.state] ?? 0) + 1;
    for (const [state, n] of Object.entries(counts)) this.#d.metrics.registryBots.set({ state }, n);
  }
}
