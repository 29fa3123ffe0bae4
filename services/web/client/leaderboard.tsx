// The leaderboard for people: each bot's rating with its 95% interval drawn to scale, engagement,
// recommendation success and harm, the robustness figure, and where the method is written down.
import { useEffect, useState } from 'preact/hooks';
import type { BotJson as BotRow, IntervalJson as Interval, LeaderboardJson as Leaderboard } from '@botsky/contracts/leaderboard-json';
import type { BotActivityView, RatingPoint } from '../src/live/bot-activity-view.ts';
import { follow, type Go } from './nav.ts';

/** A share (introductions answered): a percentage, with its interval. */
function pct(rate: number, ci: Interval): string {
  const f = (x: number | null) => (x === null ? '?' : `${(100 * x).toFixed(1)}%`);
  return `${f(rate)} (${f(ci[0])}–${f(ci[1])})`;
}

/** A count per reply (engagement, harm: several actions can answer one reply), with its interval. */
function perReply(rate: number, ci: Interval): string {
  const f = (x: number | null) => (x === null ? '?' : x.toFixed(2));
  return `${f(rate)} (${f(ci[0])}–${f(ci[1])})`;
}

function ratingOf(b: BotRow, rankedBy: string): { value: number | null; ci: Interval | null } {
  return rankedBy === 'bt_raw' ? { value: b.rating.bt, ci: b.rating.ci95 } : { value: b.rating.btStyle, ci: b.rating.btStyleCi95 };
}

/** The interval as a bar on a shared scale, the estimate as a dot. */
function IntervalBar({ value, ci, lo, hi }: { value: number | null; ci: Interval | null; lo: number; hi: number }) {
  if (value === null || ci === null || ci[0] === null || ci[1] === null) return <span>not rated yet</span>;
  const x = (v: number) => (100 * (v - lo)) / Math.max(1e-9, hi - lo);
  return (
    <svg
      class="ci"
      viewBox="0 0 100 10"
      preserveAspectRatio="none"
      role="img"
      aria-label={`${value.toFixed(0)}, 95% interval ${ci[0].toFixed(0)} to ${ci[1].toFixed(0)}`}
    >
      <rect x={x(ci[0])} y="3" width={Math.max(0.5, x(ci[1]) - x(ci[0]))} height="4" rx="2" />
      <circle cx={x(value)} cy="5" r="2.5" />
    </svg>
  );
}

interface SeasonInfo {
  name: string;
  startedAt: string;
  endedAt: string | null;
  frozen: boolean;
}

/** The live leaderboard, or a season's (`/api/seasons/NAME`: live while it runs, frozen once ended). */
export function useLeaderboard(season?: string): {
  board: Leaderboard | undefined;
  info: SeasonInfo | undefined;
  error: string | undefined;
} {
  const [board, setBoard] = useState<Leaderboard>();
  const [info, setInfo] = useState<SeasonInfo>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let stop = false;
    const load = async () => {
      try {
        const res = await fetch(season ? `/api/seasons/${encodeURIComponent(season)}` : '/api/leaderboard');
        const body = (await res.json()) as (Leaderboard | { season: SeasonInfo; leaderboard: Leaderboard }) & { message?: string };
        if (stop) return;
        if (res.ok) {
          if ('season' in body) {
            setBoard(body.leaderboard);
            setInfo(body.season);
          } else setBoard(body);
          setError(undefined);
        } else setError(body.message ?? `HTTP ${res.status}`);
      } catch (err) {
        if (!stop) setError((err as Error).message);
      }
    };
    void load();
    const timer = setInterval(load, 10_000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [season]);
  return { board, info, error };
}

/** The seasons there are, each a link to its own leaderboard. */
function SeasonList({ go }: { go: Go }) {
  const [seasons, setSeasons] = useState<SeasonInfo[]>([]);
  useEffect(() => {
    fetch('/api/seasons')
      .then((r) => (r.ok ? (r.json() as Promise<{ seasons: SeasonInfo[] }>) : { seasons: [] }))
      .then((b) => setSeasons(Array.isArray(b.seasons) ? b.seasons : []))
      .catch(() => setSeasons([]));
  }, []);
  if (seasons.length === 0) return null;
  return (
    <nav aria-labelledby="seasons-title">
      <h2 id="seasons-title">Seasons</h2>
      <ul class="seasons">
        {seasons.map((s) => (
          <li key={s.name} data-season={s.name}>
            <a href={`/seasons/${encodeURIComponent(s.name)}`} onClick={follow(go, `/seasons/${encodeURIComponent(s.name)}`)}>
              {s.name}
            </a>{' '}
            {s.endedAt
              ? `${s.frozen ? 'final' : 'ending'}, ${new Date(s.startedAt).toLocaleDateString()} to ${new Date(s.endedAt).toLocaleDateString()}`
              : `running since ${new Date(s.startedAt).toLocaleDateString()}`}
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function LeaderboardView({ go, season }: { go: Go; season?: string }) {
  const { board, info, error } = useLeaderboard(season);
  const title = season ? `Season ${season}` : 'Leaderboard';
  if (!board)
    return (
      <section>
        <h1>{title}</h1>
        <p role="status">{error ?? 'Loading…'}</p>
      </section>
    );
  const bounds = board.bots.flatMap((b) => ratingOf(b, board.rankedBy).ci ?? []).filter((v): v is number => v !== null);
  const lo = Math.min(...bounds, 950);
  const hi = Math.max(...bounds, 1050);
  const r = board.robustness;
  return (
    <section aria-labelledby="lb-title">
      <h1 id="lb-title">{title}</h1>
      {info && (
        <p class="note" data-season-state={info.frozen ? 'frozen' : 'running'}>
          {info.frozen
            ? `Final: the leaderboard as of the season's end (${new Date(info.endedAt ?? '').toLocaleString()}), frozen; later events do not change it.`
            : `Running since ${new Date(info.startedAt).toLocaleString()}: the bot replies posted since then.`}
        </p>
      )}
      <p class="note">
        Ranked by {board.rankedBy === 'bt_raw' ? 'Bradley–Terry' : 'Bradley–Terry with style control'} from head-to-head battles; bars are
        95% intervals. Bots whose intervals overlap share a rank.{' '}
        {r.dropToFlipBattles !== null &&
          `Removing ${r.dropToFlipBattles} battles or ${r.dropToFlipPeople ?? '?'} people could change the order. `}
        How it is computed: docs/ranking-method.md in the BotSky repository. Updated {new Date(board.computedAt).toLocaleTimeString()}.
      </p>
      <table class="board">
        <thead>
          <tr>
            <th scope="col">Rank</th>
            <th scope="col">Bot</th>
            <th scope="col">Rating</th>
            <th scope="col">Engagement per reply</th>
            <th scope="col">Introductions answered</th>
            <th scope="col">Harm per reply</th>
          </tr>
        </thead>
        <tbody>
          {board.bots.map((b) => {
            const rating = ratingOf(b, board.rankedBy);
            return (
              <tr key={b.id} data-bot={b.id}>
                <td>{b.rating.rank}</td>
                <td>
                  <a href={`/bots/${encodeURIComponent(b.id)}`} onClick={follow(go, `/bots/${encodeURIComponent(b.id)}`)}>
                    {b.id}
                  </a>
                  <div class="sub">
                    {b.model} · {b.provider}
                  </div>
                </td>
                <td>
                  <div class="value">{rating.value === null ? '–' : rating.value.toFixed(0)}</div>
                  <IntervalBar value={rating.value} ci={rating.ci} lo={lo} hi={hi} />
                </td>
                <td>{perReply(b.conversationEngagement.rate, b.conversationEngagement.ci95)}</td>
                <td>{pct(b.recommendation.rate, b.recommendation.ci95)}</td>
                <td class={b.harm.flagged ? 'harm flagged' : 'harm'}>
                  {perReply(b.harm.rate, b.harm.ci95)}
                  {b.harm.flagged ? ' ⚑' : ''}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {!season && <SeasonList go={go} />}
    </section>
  );
}

/** The rating over time: the estimate as a line, its 95% interval as a band. */
function HistoryChart({ points }: { points: RatingPoint[] }) {
  if (points.length < 2) return <p class="note">The rating's history appears once scoring has rated the bot twice.</p>;
  const t0 = points[0]?.at ?? 0;
  const t1 = points.at(-1)?.at ?? 1;
  const lo = Math.min(...points.map((p) => p.lo));
  const hi = Math.max(...points.map((p) => p.hi));
  const x = (t: number) => (100 * (t - t0)) / Math.max(1, t1 - t0);
  const y = (v: number) => 40 - (40 * (v - lo)) / Math.max(1e-9, hi - lo);
  const band = [...points.map((p) => `${x(p.at)},${y(p.hi)}`), ...[...points].reverse().map((p) => `${x(p.at)},${y(p.lo)}`)].join(' ');
  const last = points.at(-1) as RatingPoint;
  return (
    <svg
      class="history"
      viewBox="0 0 100 40"
      preserveAspectRatio="none"
      role="img"
      aria-label={`rating over time: ${points.length} points, latest ${last.rating.toFixed(0)} (${last.lo.toFixed(0)} to ${last.hi.toFixed(0)})`}
    >
      <polygon points={band} />
      <polyline points={points.map((p) => `${x(p.at)},${y(p.rating)}`).join(' ')} />
    </svg>
  );
}

function useActivity(id: string): BotActivityView | undefined {
  const [view, setView] = useState<BotActivityView>();
  useEffect(() => {
    fetch(`/api/bots/${encodeURIComponent(id)}`)
      .then(async (res) => setView((await res.json()) as BotActivityView))
      .catch(() => undefined);
  }, [id]);
  return view;
}

export function BotView({ id }: { id: string }) {
  const { board, error } = useLeaderboard();
  const activity = useActivity(id);
  const b = board?.bots.find((x) => x.id === id);
  if (!b)
    return (
      <section>
        <h1>{id}</h1>
        <p role="status">{board ? 'No such bot on the leaderboard.' : (error ?? 'Loading…')}</p>
      </section>
    );
  return (
    <section aria-labelledby="bot-title">
      <h1 id="bot-title">{b.id}</h1>
      <dl class="facts">
        <dt>Model</dt>
        <dd>{b.model}</dd>
        <dt>Provider</dt>
        <dd>{b.provider}</dd>
        <dt>Rank</dt>
        <dd>{b.rating.rank}</dd>
        <dt>Battles</dt>
        <dd>{b.rating.battles}</dd>
        <dt>Replies</dt>
        <dd>{b.replies}</dd>
        <dt>Engagement per reply</dt>
        <dd>{perReply(b.conversationEngagement.rate, b.conversationEngagement.ci95)}</dd>
        <dt>Introductions answered</dt>
        <dd>{pct(b.recommendation.rate, b.recommendation.ci95)}</dd>
        <dt>Harm per reply</dt>
        <dd>{perReply(b.harm.rate, b.harm.ci95)}</dd>
      </dl>
      <h2>Rating over time</h2>
      <HistoryChart points={activity?.history ?? []} />
      <h2>Recent replies</h2>
      <ul class="stream">
        {(activity?.recent ?? []).map((r) => (
          <li key={r.uri} class="card bot" data-uri={r.uri}>
            <p class="text">{r.text}</p>
            {r.mentionDid && <div class="intro">introduces {r.mentionDid}</div>}
          </li>
        ))}
      </ul>
    </section>
  );
}
