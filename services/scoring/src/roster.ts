// Bot handles for the leaderboard, from the bot roster bot-runner keeps in NATS KV
// (KV_BUCKETS.bots, one JSON value {id, did, handle, model, provider} per bot). Best effort: a bot
// missing from the roster, or a value that does not parse, shows an empty handle.
import type { Bus } from '@botsky/bus';
import { KV_BUCKETS } from '@botsky/contracts';

export async function rosterHandles(bus: Bus): Promise<Map<string, string>> {
  const kv = await bus.kv(KV_BUCKETS.bots);
  const handles = new Map<string, string>();
  for (const key of await kv.keys()) {
    const entry = await kv.get(key);
    if (!entry) continue;
    try {
      const bot = JSON.parse(new TextDecoder().decode(entry.value)) as { id?: unknown; handle?: unknown };
      if (typeof bot.handle === 'string') handles.set(typeof bot.id === 'string' ? bot.id : key, bot.handle);
    } catch {
      // not JSON: no handle for this bot
    }
  }
  return handles;
}
