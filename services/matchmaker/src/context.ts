// Every client matchmaker uses, made (or handed in) in one place: the bus, its KV buckets (consent,
// mentions, the bot roster, decisions), the clock and the random source.
import { KV_BUCKETS, PausedBots } from '@botsky/contracts';
import { Identities } from '@botsky/identity';
import { createBusContext, type BusContext, type BusOverrides } from '@botsky/kit';
import { seededRandom, type Random } from '@botsky/ratings';
import type { MatchmakerConfig } from './config.ts';
import { createMatchmakerMetrics, type MatchmakerMetrics } from './metrics.ts';
import { ConsentStore } from './state/consent.ts';
import { DecisionStore } from './state/decisions.ts';
import { BotAccounts } from './state/bot-accounts.ts';
import { MentionCounter } from './state/mentions.ts';
import { ReplyQuota } from './state/reply-quota.ts';
import { BotRoster } from './state/roster.ts';

export interface MatchmakerContext extends BusContext {
  readonly config: MatchmakerConfig;
  readonly consent: ConsentStore;
  readonly mentions: MentionCounter;
  readonly roster: BotRoster;
  readonly decisions: DecisionStore;
  /** Verified handles (the only ones a mention is written under) and PDS endpoints. */
  readonly identities: Identities;
  /** Bot replies per person, per day and per thread. */
  readonly replyQuota: ReplyQuota;
  /** Accounts never answered nor introduced: BotSky's bots aside, known and `bot`-labelled ones. */
  readonly botAccounts: BotAccounts;
  /** Bots an operator paused (`botsky bots pause`): given no posts; the service re-reads it every second. */
  readonly paused: PausedBots;
  readonly matchmakerMetrics: MatchmakerMetrics;
  /** Epoch ms; tests move it. */
  readonly now: () => number;
  readonly random: Random;
}

export interface MatchmakerOverrides extends BusOverrides {
  now?: () => number;
  random?: Random;
  identities?: Identities;
}

export async function createContext(config: MatchmakerConfig, overrides: MatchmakerOverrides = {}): Promise<MatchmakerContext> {
  const base = await createBusContext('matchmaker', config, overrides);
  try {
    const kv = (bucket: string) => base.bus.kv(bucket);
    const mm = createMatchmakerMetrics(base.metrics);
    const identities = overrides.identities ?? new Identities(config, { onLookup: (result) => mm.identityLookups.inc({ result }) });
    return {
      ...base,
      config,
      consent: new ConsentStore(await kv(KV_BUCKETS.consent)),
      mentions: new MentionCounter(await kv(KV_BUCKETS.mentions)),
      roster: new BotRoster(await kv(KV_BUCKETS.bots)),
      decisions: new DecisionStore(await kv(KV_BUCKETS.decisions)),
      matchmakerMetrics: mm,
      identities,
      replyQuota: new ReplyQuota(await kv(KV_BUCKETS.mentions)),
      botAccounts: new BotAccounts(config.knownBots, identities),
      paused: new PausedBots(await kv(KV_BUCKETS.controls), {
        onError: (err) => {
          mm.controlErrors.inc();
          base.logger.warn({ err }, 'cannot read the bot controls; keeping the last known pauses');
        },
      }),
      now: overrides.now ?? Date.now,
      random: overrides.random ?? seededRandom(config.seed ?? Math.floor(Math.random() * 2 ** 32)),
    };
  } catch (err) {
    await base.close();
    throw err;
  }
}
