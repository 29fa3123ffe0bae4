// Two seasons' boards, written into season_snapshots as scoring writes them (one row per bot and
// method and board), next to the simulated run (simulated-run.ts), so the leaderboard dashboard's
// season variable and panels have a season to show.
import type { Row, Warehouse } from '@botsky/warehouse';
import { BOTS } from './simulated-run.ts';

/**
 * spring ran from minute 0 to 5: a running board at minute 4, its frozen one as of minute 6 (its
 * end and the windows after it), and a running one at minute 7, computed in the grace before the
 * freeze, later than the frozen board's as-of; summer runs since minute 6. A board's bots are
 * ranked in order: `rating` for the first, 10 less for each next one. Boards are computed at
 * second 59 of their minute.
 */
export const SEASONS = [
  {
    name: 'spring',
    start: 0,
    end: 5,
    bots: ['sage', 'sunny'],
    boards: [
      { minute: 4, frozen: 0, rating: 1200 },
      { minute: 6, frozen: 1, rating: 1300 },
      { minute: 7, frozen: 0, rating: 1250 },
    ],
  },
  { name: 'summer', start: 6, end: null, bots: ['spark', 'sunny'], boards: [{ minute: 9, frozen: 0, rating: 1400 }] },
] as const;

export async function seedSeasons(wh: Warehouse, start: Date): Promise<number> {
  const at = (minute: number, second: number) => new Date(start.getTime() + (minute * 60 + second) * 1000);
  const rows: Row[] = [];
  for (const season of SEASONS) {
    // What a board says of its season when it was computed: spring had not ended at minute 4.
    const ended = (minute: number) => (season.end !== null && season.end <= minute ? at(season.end, 0) : new Date(0));
    for (const board of season.boards) {
      for (const method of ['elo', 'bt']) {
        season.bots.forEach((bot, i) => {
          const rating = board.rating - 10 * i;
          rows.push({
            season: season.name,
            started_at: at(season.start, 0),
            ended_at: ended(board.minute),
            frozen: board.frozen,
            computed_at: at(board.minute, 59),
            method,
            bot_id: bot,
            model: BOTS.find((b) => b.id === bot)?.model ?? '',
            rating,
            ci_lo: rating - 30,
            ci_hi: rating + 30,
            rank: i + 1,
            battles: 2 + board.minute,
          });
        });
      }
    }
  }
  await wh.insert('season_snapshots', rows);
  return rows.length;
}
