// Every season's leaderboard (seasons in KV_BUCKETS.seasons, @botsky/contracts seasons.ts): a
// running season's is recomputed with the live one, over the bot replies posted since it started.
// An ended one covers the replies posted before its end and what people did with them for the
// battle and recommendation windows after it (so its last battles are decided, as any battle is);
// once those have closed and a grace for late rows has passed, it is computed one last time and
// frozen into its record (compare-and-set, so two scoring replicas freeze it once), and from then
// on served from there: later events never change it. Each replica keeps the boards in memory,
// and writes them to the warehouse for the dashboards (season-snapshots.ts).
import { encodeSeason, listSeasons, parseSeason, type LeaderboardJson, type SeasonRecord, type SeasonsKv } from '@botsky/contracts';
import type { Warehouse } from '@botsky/warehouse';
import { leaderboardJson } from '../handlers/leaderboard-view.ts';
import { computeLeaderboard, type Leaderboard, type ScoringParams } from './leaderboard.ts';
import { SeasonSnapshots } from './season-snapshots.ts';

export interface SeasonView {
  name: string;
  startedAt: string;
  endedAt: string | null;
  frozen: boolean;
}

export interface SeasonBoard {
  season: SeasonView;
  leaderboard: LeaderboardJson;
}

export const seasonView = (r: SeasonRecord): SeasonView => ({
  name: r.name,
  startedAt: new Date(r.startedAt).toISOString(),
  endedAt: r.endedAt === undefined ? null : new Date(r.endedAt).toISOString(),
  frozen: r.frozen !== undefined,
});

/** After a season's windows have closed, this long for the last rows to reach the warehouse before it is frozen. */
const FREEZE_GRACE_MS = 10_000;

export class SeasonBoards {
  readonly #kv: SeasonsKv;
  readonly #wh: Warehouse;
  readonly #params: ScoringParams;
  readonly #snapshots: SeasonSnapshots;
  #boards = new Map<string, SeasonBoard>();
  #seasons: SeasonRecord[] = [];

  constructor(kv: SeasonsKv, wh: Warehouse, params: ScoringParams) {
    this.#kv = kv;
    this.#wh = wh;
    this.#params = params;
    this.#snapshots = new SeasonSnapshots(wh);
  }

  /** How long after a season's end people's actions on its replies still count: its last battles' and introductions' windows. */
  get settleMs(): number {
    return Math.max(this.#params.battleWindowMs, this.#params.recommendationWindowMs);
  }

  /** Recomputes the running seasons as of `asOf`, freezes the ended ones not frozen yet, and writes what changed to the warehouse. */
  async refresh(asOf: Date, name: (board: Leaderboard) => void = () => {}): Promise<void> {
    const seasons = await listSeasons(this.#kv);
    const boards = new Map<string, SeasonBoard>();
    for (const s of seasons) {
      if (s.startedAt > asOf.getTime()) continue;
      const settled = s.endedAt !== undefined && s.endedAt + this.settleMs + FREEZE_GRACE_MS <= asOf.getTime();
      const record = settled && !s.frozen ? await this.#freeze(s, name) : s;
      if (record.frozen) {
        boards.set(record.name, { season: seasonView(record), leaderboard: record.frozen.leaderboard });
        continue;
      }
      const until = record.endedAt !== undefined ? new Date(Math.min(record.endedAt, asOf.getTime())) : asOf;
      const board = await computeLeaderboard(this.#wh, { asOf, from: new Date(record.startedAt), until, config: this.#params });
      name(board);
      boards.set(record.name, { season: seasonView(record), leaderboard: leaderboardJson(board, 'bt', 0) });
    }
    this.#seasons = seasons;
    this.#boards = boards;
    // After the boards are served: a failed write is retried on the next pass without holding them back.
    await this.#snapshots.write(boards.values());
  }

  list(): SeasonView[] {
    return this.#seasons.map(seasonView);
  }

  /** A season's board; undefined when there is no such season or it has not been computed yet. */
  get(name: string): SeasonBoard | undefined {
    return this.#boards.get(name);
  }

  async #freeze(s: SeasonRecord, name: (board: Leaderboard) => void): Promise<SeasonRecord> {
    const end = s.endedAt as number;
    const board = await computeLeaderboard(this.#wh, {
      asOf: new Date(end + this.settleMs),
      from: new Date(s.startedAt),
      until: new Date(end),
      config: this.#params,
    });
    name(board);
    const frozen: SeasonRecord = { ...s, frozen: { at: Date.now(), leaderboard: leaderboardJson(board, 'bt', 0) } };
    for (let i = 0; i < 20; i++) {
      const entry = await this.#kv.get(s.name);
      const current = entry ? parseSeason(entry.value) : undefined;
      if (!entry || !current) return s;
      // Another replica froze it first: its board is the season's.
      if (current.frozen) return current;
      if (await this.#kv.update(s.name, encodeSeason({ ...current, frozen: frozen.frozen }), entry.revision))
        return { ...current, frozen: frozen.frozen };
    }
    return s;
  }
}
