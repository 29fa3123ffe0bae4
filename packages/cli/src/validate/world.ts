// What a validation season is made of: the bots (a manner each, a planted quality, a speed) and
// the people. The planted qualities come from `plantQualities` (the seed alone); the bots'
// speeds from a stream of their own; the manners cycle through the offline styles. So neither
// style nor speed says anything about quality, and a method that ranks them is caught.
import { OFFLINE_STYLE_NAMES } from '@botsky/bot-runner';
import { decisionRandom, plantQualities } from '@botsky/population';

export interface SimBot {
  id: string;
  style: string;
  /** Planted quality, 0..1: the ground truth. */
  quality: number;
  /** Median seconds from a post to this bot's reply. */
  latencyS: number;
}

/** `count` bots for a run seeded by `seed`: the same bots in every season of the run. */
export function validationBots(count: number, seed: number): SimBot[] {
  const qualities = plantQualities(count, seed);
  const speed = decisionRandom(seed, 'bot-latency');
  return qualities.map((quality, i) => {
    const style = OFFLINE_STYLE_NAMES[i % OFFLINE_STYLE_NAMES.length] as string;
    const round = Math.floor(i / OFFLINE_STYLE_NAMES.length);
    // 5 s to 160 s, log-uniform
    const latencyS = Math.round(5 * 2 ** (5 * speed()));
    return { id: round === 0 ? style : `${style}-${round + 1}`, style, quality, latencyS };
  });
}
