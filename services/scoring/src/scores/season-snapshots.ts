// Every season's leaderboard in the warehouse (season_snapshots, warehouse migration 011), for the
// dashboards, which read ClickHouse and not the seasons' KV records. The rows come from the board
// the API serves (/v1/seasons/NAME), so Grafana and the API agree: one per rated bot and method,
// as the main board's rating snapshots are. A running season's are written whenever its battles
// (or its end) change; an ended one's once more when it freezes, from the frozen record, and never
// again. Whether that last write happened is asked of the warehouse, not remembered, so neither a
// restart nor a second replica skips or repeats it; the rows depend on the record alone and carry
// one dedup token, so two replicas racing store them once.
//
// Inserted here rather than published like the main board's RatingSnapshots: a season's state is
// already shared and durable (its KV record), and a RatingSnapshot names no season.
import type { IntervalJson, LeaderboardJson } from '@botsky/contracts';
import { frozenSeasonRows, type Row, type Warehouse } from '@botsky/warehouse';
import { arenaRanks } from './fits.ts';

const TABLE = 'season_snapshots';
/** ended_at of a season still running. */
const NOT_ENDED = new Date(0);

/** What the rows say of the season itself (a SeasonView). */
export interface SnapshotSeason {
  name: string;
  /** ISO 8601 */
  startedAt: string;
  endedAt: string | null;
  frozen: boolean;
}

export interface SeasonBoardJson {
  season: SnapshotSeason;
  leaderboard: LeaderboardJson;
}

/** JSON's null ends of an interval are unbounded. */
const bounds = (ci: IntervalJson): [number, number] => [ci[0] ?? -Infinity, ci[1] ?? Infinity];

/** One row per rated bot (a decided battle, a Bradley–Terry fit) and method, each method ranked by its own Arena rank. */
export function seasonSnapshotRows({ season, leaderboard }: SeasonBoardJson): Row[] {
  const base = {
    season: season.name,
    started_at: new Date(season.startedAt),
    ended_at: season.endedAt === null ? NOT_ENDED : new Date(season.endedAt),
    frozen: season.frozen ? 1 : 0,
    computed_at: new Date(leaderboard.computedAt),
  };
  const rated = leaderboard.bots.filter((b) => b.rating.battles > 0 && b.rating.bt !== null && b.rating.ci95 !== null);
  const rawRank = arenaRanks(rated.flatMap((b) => (b.rating.ci95 ? [{ id: b.id, ci95: bounds(b.rating.ci95) }] : [])));
  const styleRank = arenaRanks(rated.flatMap((b) => (b.rating.btStyleCi95 ? [{ id: b.id, ci95: bounds(b.rating.btStyleCi95) }] : [])));
  return rated.flatMap((b) => {
    const r = b.rating;
    const methods: Array<{ method: string; rating: number; ci: [number, number]; rank: number }> = [
      { method: 'elo', rating: r.elo, ci: [r.elo, r.elo], rank: r.eloRank },
      { method: 'bt', rating: r.bt ?? 0, ci: bounds(r.ci95 ?? [null, null]), rank: rawRank.get(b.id) ?? 0 },
    ];
    if (r.btStyle !== null && r.btStyleCi95 !== null) {
      methods.push({ method: 'bt_style', rating: r.btStyle, ci: bounds(r.btStyleCi95), rank: styleRank.get(b.id) ?? 0 });
    }
    return methods.map((m) => ({
      ...base,
      method: m.method,
      bot_id: b.id,
      model: b.model,
      rating: m.rating,
      ci_lo: m.ci[0],
      ci_hi: m.ci[1],
      rank: Math.min(m.rank, 65535),
      battles: r.battles,
    }));
  });
}

export class SeasonSnapshots {
  readonly #wh: Warehouse;
  /** season → what its last written running board was (battles, end) */
  readonly #written = new Map<string, string>();
  /** seasons whose frozen board the warehouse holds */
  readonly #frozen = new Set<string>();

  constructor(wh: Warehouse) {
    this.#wh = wh;
  }

  /** Writes the boards that changed since they were last written, and each frozen one once. */
  async write(boards: Iterable<SeasonBoardJson>): Promise<void> {
    for (const board of boards) {
      if (board.season.frozen) await this.#writeFrozen(board);
      else await this.#writeRunning(board);
    }
  }

  async #writeRunning(board: SeasonBoardJson): Promise<void> {
    const battles = board.leaderboard.bots.reduce((n, b) => n + b.rating.battles, 0);
    const key = `${battles}:${board.season.endedAt}`;
    if (this.#written.get(board.season.name) === key) return;
    const rows = seasonSnapshotRows(board);
    if (rows.length > 0) await this.#wh.insert(TABLE, rows);
    this.#written.set(board.season.name, key);
  }

  async #writeFrozen(board: SeasonBoardJson): Promise<void> {
    const { name } = board.season;
    if (this.#frozen.has(name)) return;
    if ((await frozenSeasonRows(this.#wh, name)) === 0) {
      const rows = seasonSnapshotRows(board);
      if (rows.length > 0) await this.#wh.insert(TABLE, rows, { dedupToken: `season-snapshots:${name}:frozen` });
    }
    this.#frozen.add(name);
    this.#written.delete(name);
  }
}
