// Operators' switches for the bots, shared through KV_BUCKETS.controls: one entry (key
// BOT_CONTROLS_KEY) holding which bots are paused, changed only by compare-and-set so two
// operators pausing at once both land. `botsky bots pause|resume` writes it; every bot-runner and
// matchmaker replica re-reads it every BOT_CONTROLS_POLL_MS (the bus has no KV watch), so a pause
// takes effect everywhere within about a second, without a restart.

/** The one KV entry of the controls bucket. */
export const BOT_CONTROLS_KEY = 'bots';
/** How often replicas re-read the controls. */
export const BOT_CONTROLS_POLL_MS = 1000;

export interface PausedBot {
  /** When it was paused (ISO 8601). */
  at: string;
  /** Who or what paused it (free text: an operator's name, "botsky bots"). */
  by: string;
  /** Why (free text, shown by `botsky bots list`). */
  reason: string;
}

export interface BotControls {
  paused: Record<string, PausedBot>;
}

/** The subset of a KV store the controls need (the bus's KvStore has it). */
export interface ControlsKv {
  get(key: string): Promise<{ value: Uint8Array; revision: number } | undefined>;
  update(key: string, value: Uint8Array, revision: number): Promise<boolean>;
}

export class BotControlsError extends Error {
  override readonly name = 'BotControlsError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeBotControls(controls: BotControls): Uint8Array {
  return encoder.encode(JSON.stringify(controls));
}

/** Parses the entry; throws BotControlsError on anything that is not a controls object. */
export function parseBotControls(bytes: Uint8Array): BotControls {
  let v: unknown;
  try {
    v = JSON.parse(decoder.decode(bytes));
  } catch {
    throw new BotControlsError('the bot controls entry is not JSON');
  }
  const paused = (v as { paused?: unknown } | null)?.paused;
  if (typeof paused !== 'object' || paused === null || Array.isArray(paused))
    throw new BotControlsError('the bot controls entry has no "paused" object');
  const out: Record<string, PausedBot> = {};
  for (const [id, p] of Object.entries(paused as Record<string, Partial<PausedBot> | null>)) {
    out[id] = {
      at: typeof p?.at === 'string' ? p.at : '',
      by: typeof p?.by === 'string' ? p.by : '',
      reason: typeof p?.reason === 'string' ? p.reason : '',
    };
  }
  return { paused: out };
}

/** The controls as stored now (none stored: nothing paused). */
export async function readBotControls(kv: ControlsKv): Promise<BotControls> {
  const entry = await kv.get(BOT_CONTROLS_KEY);
  return entry ? parseBotControls(entry.value) : { paused: {} };
}

const MAX_CAS_ATTEMPTS = 20;

/**
 * Pauses (`pause` given) or resumes (`pause` undefined) one bot. Returns whether anything changed
 * (pausing a paused bot keeps its first pause). A garbled entry is replaced rather than blocking
 * every pause forever.
 */
export async function setBotPaused(
  kv: ControlsKv,
  botId: string,
  pause: PausedBot | undefined,
): Promise<{ changed: boolean; controls: BotControls }> {
  for (let i = 0; i < MAX_CAS_ATTEMPTS; i++) {
    const entry = await kv.get(BOT_CONTROLS_KEY);
    let controls: BotControls = { paused: {} };
    let garbled = false;
    if (entry) {
      try {
        controls = parseBotControls(entry.value);
      } catch {
        garbled = true;
      }
    }
    const isPaused = Object.hasOwn(controls.paused, botId);
    // A garbled entry is always rewritten: replicas keep their last known pauses until it is.
    if (!garbled && (pause ? isPaused : !isPaused)) return { changed: false, controls };
    const paused = { ...controls.paused };
    if (pause) paused[botId] = pause;
    else delete paused[botId];
    const next = { paused };
    if (await kv.update(BOT_CONTROLS_KEY, encodeBotControls(next), entry?.revision ?? 0)) return { changed: true, controls: next };
  }
  throw new BotControlsError(`bot controls: ${MAX_CAS_ATTEMPTS} compare-and-set attempts lost to other writers`);
}

/**
 * Which bots are paused, as one replica knows it: re-read every `pollMs`. Until the first read
 * succeeds nothing is paused; a read that fails keeps the last known state and is reported to
 * `onError` (the caller counts it), so a NATS hiccup never un-pauses a bot.
 */
export class PausedBots {
  readonly #kv: ControlsKv;
  readonly #pollMs: number;
  readonly #onError: (err: Error) => void;
  #paused = new Set<string>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #reading: Promise<void> | undefined;

  constructor(kv: ControlsKv, opts: { pollMs?: number; onError?: (err: Error) => void } = {}) {
    this.#kv = kv;
    this.#pollMs = opts.pollMs ?? BOT_CONTROLS_POLL_MS;
    this.#onError = opts.onError ?? (() => {});
  }

  /** Reads once now, then every pollMs until stop(). */
  async start(): Promise<void> {
    await this.refresh();
    this.#timer ??= setInterval(() => void this.refresh(), this.#pollMs);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  refresh(): Promise<void> {
    this.#reading ??= readBotControls(this.#kv)
      .then((c) => {
        this.#paused = new Set(Object.keys(c.paused));
      })
      .catch((err: unknown) => this.#onError(err instanceof Error ? err : new Error(String(err))))
      .finally(() => (this.#reading = undefined));
    return this.#reading;
  }

  isPaused(botId: string): boolean {
    return this.#paused.has(botId);
  }

  /** The paused bots' ids, sorted. */
  list(): string[] {
    return [...this.#paused].sort();
  }
}
