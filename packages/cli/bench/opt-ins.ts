// The introductions bench's guard against a lost opt-in: see waitForOptIns.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus } from '@botsky/bus';
import { KV_BUCKETS } from '@botsky/contracts';
import type { DevnetAccount } from '@botsky/devnet';
import type { Simulation } from '@botsky/population/driver';
import { ConsentStore } from '@botsky/matchmaker';

export type Agent = DevnetAccount['agent'];

/**
 * Waits until matchmaker holds every opted-in person's consent. On a loaded machine the devnet
 * PDS has been seen to leave some of the set-up commits off its firehose (live and replayed); a
 * person whose opt-in follow never arrived is never answered nor introduced, which would shrink
 * both arms alike. Such a person follows the project again (an opt-in, as on the network); the
 * count is reported.
 */
export async function waitForOptIns(bus: Bus, sim: Simulation, agents: ReadonlyMap<string, Agent>, projectDid: string): Promise<number> {
  const consent = new ConsentStore(await bus.kv(KV_BUCKETS.consent));
  const wanted = sim.accounts().filter((a) => a.consent === 'in');
  const missing = async () => {
    const states = await Promise.all(wanted.map(async (a) => ((await consent.read(a.did))?.state === 'in' ? undefined : a.did)));
    return states.filter((d): d is string => d !== undefined);
  };
  const waitAll = async (ms: number) => {
    for (const until = performance.now() + ms; performance.now() < until; await sleep(200)) if ((await missing()).length === 0) return [];
    return missing();
  };
  const lost = await waitAll(5000);
  for (const did of lost) await agents.get(did)?.follow(projectDid);
  const still = await waitAll(10_000);
  if (still.length > 0) throw new Error(`${still.length} opted-in people never reached matchmaker, even after following again`);
  return lost.length;
}
