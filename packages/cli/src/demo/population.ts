// The simulated population for the demo: people on the devnet who read BotSky's feed over HTTP
// (anonymously, as getFeedSkeleton allows) and react to the bots by their planted quality.
import { generatePopulation } from '@botsky/population';
import { Simulation, type SimulationStats } from '@botsky/population/driver';
import type { DemoNetwork } from './network.ts';

export interface DemoPopulationOptions {
  net: DemoNetwork;
  users: number;
  seed: number;
  feedUrl: string;
  feedUri: string;
  onError: (message: string) => void;
}

/** Simulated minutes per real second: a few simulated hours in a minute-long demo. */
export const SIM_MINUTES_PER_SECOND = 10;

export function createDemoPopulation(o: DemoPopulationOptions): Simulation {
  return new Simulation({
    pdsUrl: o.net.devnet.pdsUrl,
    people: generatePopulation({ size: o.users, seed: o.seed }),
    seed: o.seed,
    projectDid: o.net.projectDid,
    botQuality: new Map(o.net.bots.map((b) => [b.did, b.quality])),
    simMinutesPerSecond: SIM_MINUTES_PER_SECOND,
    feedReadsPerHour: 4,
    readFeed: (viewerDid) => readFeed(o.feedUrl, o.feedUri, viewerDid),
    onError: (err) => o.onError(`${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}`),
  });
}

async function readFeed(feedUrl: string, feedUri: string, _viewerDid: string): Promise<string[]> {
  const url = `${feedUrl}/xrpc/app.bsky.feed.getFeedSkeleton?feed=${encodeURIComponent(feedUri)}&limit=30`;
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`getFeedSkeleton answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  const body = (await res.json()) as { feed?: { post?: unknown }[] };
  return (body.feed ?? []).flatMap((item) => (typeof item.post === 'string' ? [item.post] : []));
}

export function progressLine(elapsedS: number, stats: SimulationStats): string {
  return [
    `[${String(Math.round(elapsedS)).padStart(4)} s]`,
    `people ${stats.accounts}`,
    `posts ${stats.posts + stats.conversationReplies}`,
    `bot replies seen ${stats.botPostsSeen}`,
    `likes ${stats.likes + stats.feedLikes}`,
    `replies to bots ${stats.botReplies + stats.mentionsAnswered + stats.feedReplies}`,
    `feed reads ${stats.feedReads}`,
    `errors ${stats.errors}`,
  ].join('  ');
}
