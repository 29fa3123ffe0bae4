// The bot roster in KV (KV_BUCKETS.bots): bot id → {id, did, handle, model, provider}, in the
// format of @botsky/contracts roster.ts. Other services read it to know which accounts are bots
// and what backs them.
import type { KvStore } from '@botsky/bus';
import { encodeRosterEntry, type RosterEntry } from '@botsky/contracts';
import type { ProviderSpec } from '../providers/index.ts';
import type { BotAccount } from './bot-account.ts';

/** The provider's name as outcome events and the leaderboard give it (BotOutcome.provider). */
export function providerName(spec: ProviderSpec): string {
  if (spec.kind === 'offline') return 'builtin';
  if (spec.kind === 'openai' && spec.baseURL !== undefined) return 'openai-compatible';
  return spec.kind;
}

export function modelName(spec: ProviderSpec): string {
  if (spec.kind === 'offline') return `offline-${spec.style}`;
  if (spec.kind === 'grpc') return `grpc:${spec.address}`;
  return spec.model;
}

export function rosterEntry(account: BotAccount): RosterEntry {
  const spec = account.bot.provider;
  return { id: account.bot.id, did: account.did, handle: account.handle, model: modelName(spec), provider: providerName(spec) };
}

export async function writeRoster(kv: KvStore, accounts: readonly BotAccount[]): Promise<void> {
  for (const a of accounts) await kv.put(a.bot.id, encodeRosterEntry(rosterEntry(a)));
}
