// The self-service bots behind the gateway's bot API (handlers/bots.ts): the registry's entries in
// KV (@botsky/contracts bot-registry.ts), their secrets sealed with BOTSKY_REGISTRY_SECRET before
// they are stored. A new or changed bot goes to the sandbox (bot-runner runs it); a changed or
// removed one is marked inactive in the roster at once, so matchmaker stops giving it posts
// before bot-runner has caught up.
import type { KvStore } from '@botsky/bus';
import {
  type BotSpec,
  deactivateRosterEntry,
  mutateRegisteredBot,
  parseRegisteredBot,
  parseRosterEntry,
  publicBot,
  readBotControls,
  readRegistry,
  type RegisteredBot,
  setBotPaused,
} from '@botsky/contracts';
import type { Sealer } from '@botsky/kit';

export type ShownBot = ReturnType<typeof publicBot> & { paused?: { at: string; by: string; reason: string } };

export type ChangeResult = { ok: true; bot: ShownBot } | { ok: false; status: 404 | 409; message: string };

export interface BotStoreKv {
  registry: KvStore;
  roster: KvStore;
  controls: KvStore;
  sessions: KvStore;
}

export class BotStore {
  readonly #kv: BotStoreKv;
  readonly #sealer: Sealer;
  readonly #now: () => number;

  constructor(kv: BotStoreKv, sealer: Sealer, now: () => number = Date.now) {
    this.#kv = kv;
    this.#sealer = sealer;
    this.#now = now;
  }

  /** Registers a new bot for `builder`, calling gateway models with `apiKey` (for a gateway provider). */
  async create(builder: string, spec: BotSpec, apiKey: string | undefined): Promise<ChangeResult> {
    // A bot of the file registry has an (active) roster entry and no registry entry: its id is taken.
    const listed = await this.#kv.roster.get(spec.id);
    const rostered = listed ? parseRosterEntry(listed.value) : undefined;
    if (rostered?.ok && rostered.entry.active !== false && !(await this.#kv.registry.get(spec.id)))
      return { ok: false, status: 409, message: `bot id "${spec.id}" is taken by one of the operator's bots` };
    const now = this.#now();
    const { written, bot } = await mutateRegisteredBot(this.#kv.registry, spec.id, (cur) =>
      cur ? undefined : { ...this.#record(builder, spec, apiKey), version: 1, createdAt: now },
    );
    if (!written || !bot) return { ok: false, status: 409, message: `bot "${spec.id}" exists (change it instead)` };
    return { ok: true, bot: await this.#shown(bot) };
  }

  /** Replaces the bot's definition (it goes through the sandbox again); only its builder (or an operator) may. */
  async replace(builder: string | undefined, spec: BotSpec, apiKey: string | undefined): Promise<ChangeResult> {
    let found: RegisteredBot | undefined;
    const { written, bot } = await mutateRegisteredBot(this.#kv.registry, spec.id, (cur) => {
      found = cur;
      if (!cur || (builder !== undefined && cur.builder !== builder)) return undefined;
      const keep = apiKey ?? (cur.provider.kind === 'gateway' ? this.#sealer.open(cur.provider.apiKeySealed) : undefined);
      return { ...this.#record(cur.builder, spec, keep), version: cur.version + 1, createdAt: cur.createdAt };
    });
    if (!found || (builder !== undefined && found.builder !== builder))
      return { ok: false, status: 404, message: `no bot "${spec.id}" of yours` };
    if (!written || !bot) return { ok: false, status: 409, message: `bot "${spec.id}" changed while it was being changed; try again` };
    await deactivateRosterEntry(this.#kv.roster, spec.id);
    return { ok: true, bot: await this.#shown(bot) };
  }

  async get(builder: string | undefined, id: string): Promise<ShownBot | undefined> {
    const entry = await this.#kv.registry.get(id);
    const bot = entry ? parseRegisteredBot(entry.value) : undefined;
    return bot && (builder === undefined || bot.builder === builder) ? this.#shown(bot) : undefined;
  }

  async list(builder: string | undefined): Promise<ShownBot[]> {
    const { bots } = await readRegistry(this.#kv.registry);
    const controls = await readBotControls(this.#kv.controls);
    return bots
      .filter((b) => builder === undefined || b.builder === builder)
      .map(({ revision: _r, ...b }) => withPause(publicBot(b), controls.paused[b.id]));
  }

  /** Pauses (reason given) or resumes the bot; false when it is not the builder's. */
  async setPaused(
    builder: string | undefined,
    id: string,
    pause: { by: string; reason: string } | undefined,
  ): Promise<ShownBot | undefined> {
    const bot = await this.get(builder, id);
    if (!bot) return undefined;
    await setBotPaused(this.#kv.controls, id, pause ? { at: new Date(this.#now()).toISOString(), ...pause } : undefined);
    return this.get(builder, id);
  }

  /** Removes the bot: its entry and shared session go, its roster entry stays inactive. */
  async remove(builder: string | undefined, id: string): Promise<boolean> {
    const bot = await this.get(builder, id);
    if (!bot) return false;
    await this.#kv.registry.delete(id);
    await deactivateRosterEntry(this.#kv.roster, id);
    await this.#kv.sessions.delete(`s.${id}`);
    await setBotPaused(this.#kv.controls, id, undefined);
    return true;
  }

  #record(builder: string, spec: BotSpec, apiKey: string | undefined): Omit<RegisteredBot, 'version' | 'createdAt'> {
    const p = spec.provider;
    const provider: RegisteredBot['provider'] =
      p.kind === 'gateway'
        ? { kind: 'gateway', model: p.model, apiKeySealed: this.#sealer.seal(apiKey ?? '') }
        : {
            kind: 'grpc',
            address: p.address,
            ...(p.tls !== undefined ? { tls: p.tls } : {}),
            ...(p.token !== undefined ? { tokenSealed: this.#sealer.seal(p.token) } : {}),
          };
    const out: Omit<RegisteredBot, 'version' | 'createdAt'> = {
      id: spec.id,
      builder,
      handle: spec.handle,
      appPasswordSealed: this.#sealer.seal(spec.appPassword),
      provider,
      systemPrompt: spec.systemPrompt,
      allowLinks: spec.allowLinks ?? false,
      state: 'sandbox',
      updatedAt: this.#now(),
    };
    if (spec.service !== undefined) out.service = spec.service;
    if (spec.temperature !== undefined) out.temperature = spec.temperature;
    if (spec.maxTokens !== undefined) out.maxTokens = spec.maxTokens;
    if (spec.timeoutMs !== undefined) out.timeoutMs = spec.timeoutMs;
    return out;
  }

  async #shown(bot: RegisteredBot): Promise<ShownBot> {
    const controls = await readBotControls(this.#kv.controls);
    return withPause(publicBot(bot), controls.paused[bot.id]);
  }
}

function withPause(bot: ReturnType<typeof publicBot>, pause: ShownBot['paused']): ShownBot {
  return pause ? { ...bot, paused: pause } : bot;
}
