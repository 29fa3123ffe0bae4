// What /readyz answers: the process's phase, and a live check of each component (the bus, the
// warehouse, ...). Ready means: started, not yet draining, and every check passes now.
import { withTimeout } from '@botsky/async';

export type Phase = 'starting' | 'ready' | 'draining' | 'stopped';

/** Resolves when the component is usable; throws (or times out) when it is not. */
export type ReadinessCheck = (signal: AbortSignal) => Promise<void>;

export interface CheckResult {
  ok: boolean;
  error?: string;
}

export interface ReadinessReport {
  ready: boolean;
  phase: Phase;
  checks: Record<string, CheckResult>;
}

const CHECK_TIMEOUT_MS = 2000;

export class Readiness {
  #phase: Phase = 'starting';
  readonly #checks = new Map<string, ReadinessCheck>();
  readonly #timeoutMs: number;

  constructor(opts: { checkTimeoutMs?: number } = {}) {
    this.#timeoutMs = opts.checkTimeoutMs ?? CHECK_TIMEOUT_MS;
  }

  get phase(): Phase {
    return this.#phase;
  }

  setPhase(phase: Phase): void {
    this.#phase = phase;
  }

  /** Adds checks, named `<prefix>.<name>` (e.g. `scoring.warehouse`). */
  addChecks(prefix: string, checks: Readonly<Record<string, ReadinessCheck>>): void {
    for (const [name, check] of Object.entries(checks)) this.#checks.set(`${prefix}.${name}`, check);
  }

  async report(): Promise<ReadinessReport> {
    const entries = await Promise.all([...this.#checks].map(async ([name, check]) => [name, await this.#run(check)] as const));
    const checks = Object.fromEntries(entries);
    const ready = this.#phase === 'ready' && entries.every(([, r]) => r.ok);
    return { ready, phase: this.#phase, checks };
  }

  async #run(check: ReadinessCheck): Promise<CheckResult> {
    const signal = AbortSignal.timeout(this.#timeoutMs);
    try {
      await withTimeout(check(signal), this.#timeoutMs, () => new Error(`no answer within ${this.#timeoutMs} ms`));
      return { ok: true };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }
}
