// Bot handles for the leaderboard, from the bot roster bot-runner keeps in NATS KV
// (KV_BUCKETS.bots, @botsky/contracts roster.ts). Best effort: a bot missing from the roster, or
// an entry the contract rejects, shows an empty handle.
import type { Bus } from '@botsky/bus';
import { KV_BUCKETS, readRoster } from '@botsky/contracts';

export async function rosterHandles(bus: Bus): Promise<Map<string, string>> {
  const { entries } = await readRoster(await bus.kv(KV_BUCKETS.bots));
  return new Map(entries.map((e) => [e.id, e.handle]));
}
