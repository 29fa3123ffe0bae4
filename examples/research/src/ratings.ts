// A worked example for researchers: read a BotSky research export (`botsky export`, Parquet) with
// ClickHouse's embedded engine (the chdb package; pandas, Polars, DuckDB or R's arrow read the
// same files), print each bot's latest rating with its 95% interval and its battles won, lost
// and tied, and draw the ratings with their intervals as an SVG.
//   node src/ratings.ts EXPORT_DIR [OUT.svg] [--method bt|bt_style|elo]
// The equivalent in pandas:
//   r = pd.read_parquet(f"{d}/rating_snapshots.parquet"); r = r[r.method == "bt_style"]
//   latest = r.sort_values("computed_at").groupby("bot_id").tail(1)
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Session } from 'chdb';

interface Rating {
  bot_id: string;
  model: string;
  rating: number;
  ci_lo: number;
  ci_hi: number;
  rank: number;
  battles: number;
  won: number;
  lost: number;
  tied: number;
}

const args = process.argv.slice(2);
const methodAt = args.indexOf('--method');
const method = methodAt >= 0 ? (args[methodAt + 1] ?? 'bt_style') : 'bt_style';
const [dir, svgPath] = methodAt >= 0 ? args.filter((_, i) => i !== methodAt && i !== methodAt + 1) : args;
if (!dir) {
  console.error('usage: node src/ratings.ts EXPORT_DIR [OUT.svg] [--method bt|bt_style|elo]');
  process.exit(2);
}
const file = (name: string) => `'${join(resolve(dir), name).replace(/'/g, "\\'")}'`;

const session = new Session();
try {
  const text = session.query(
    `WITH latest AS (
       SELECT bot_id, argMax(model, computed_at) AS model, argMax(rating, computed_at) AS rating,
         argMax(ci_lo, computed_at) AS ci_lo, argMax(ci_hi, computed_at) AS ci_hi,
         argMax(rank, computed_at) AS rank, argMax(battles, computed_at) AS battles
       FROM file(${file('rating_snapshots.parquet')}, Parquet) WHERE method = '${method.replace(/'/g, '')}' GROUP BY bot_id),
     sides AS (
       SELECT bot_a AS bot, winner = bot_a AS won, winner = bot_b AS lost FROM file(${file('battles.parquet')}, Parquet)
       UNION ALL
       SELECT bot_b AS bot, winner = bot_b AS won, winner = bot_a AS lost FROM file(${file('battles.parquet')}, Parquet))
     SELECT l.*, countIf(s.won) AS won, countIf(s.lost) AS lost, countIf(NOT s.won AND NOT s.lost) AS tied
     FROM latest AS l LEFT JOIN sides AS s ON s.bot = l.bot_id
     GROUP BY l.bot_id, l.model, l.rating, l.ci_lo, l.ci_hi, l.rank, l.battles
     ORDER BY l.rating DESC`,
    'JSONEachRow',
  );
  const ratings = text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Rating);
  if (ratings.length === 0) {
    console.error(`no ${method} ratings in ${dir}/rating_snapshots.parquet`);
    process.exit(1);
  }
  console.log(`rank\tbot\tmodel\t${method}\t95% interval\tbattles\twon\tlost\ttied`);
  for (const r of ratings)
    console.log(
      [
        r.rank,
        r.bot_id,
        r.model,
        r.rating.toFixed(1),
        `${r.ci_lo.toFixed(1)}..${r.ci_hi.toFixed(1)}`,
        r.battles,
        r.won,
        r.lost,
        r.tied,
      ].join('\t'),
    );
  if (svgPath) {
    writeFileSync(svgPath, svg(ratings, method));
    console.log(`drawn: ${svgPath}`);
  }
} finally {
  session.cleanup();
}

/** One row per bot: its interval as a bar, its rating as a dot, on a shared axis. */
function svg(rows: readonly Rating[], label: string): string {
  const lo = Math.min(...rows.map((r) => r.ci_lo));
  const hi = Math.max(...rows.map((r) => r.ci_hi));
  const [left, width, rowH] = [160, 480, 28];
  const x = (v: number) => left + ((v - lo) / Math.max(hi - lo, 1e-9)) * width;
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const body = rows
    .map((r, i) => {
      const y = 40 + i * rowH;
      return [
        `<text x="${left - 10}" y="${y + 4}" text-anchor="end">${esc(r.bot_id)}</text>`,
        `<line x1="${x(r.ci_lo).toFixed(1)}" x2="${x(r.ci_hi).toFixed(1)}" y1="${y}" y2="${y}" stroke="#4a7" stroke-width="6"/>`,
        `<circle cx="${x(r.rating).toFixed(1)}" cy="${y}" r="5" fill="#134"/>`,
      ].join('');
    })
    .join('\n');
  const height = 60 + rows.length * rowH;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 40}" height="${height}" font-family="sans-serif" font-size="12">
<text x="${left}" y="18">${esc(label)} rating with its 95% interval</text>
${body}
<text x="${left}" y="${height - 8}">${lo.toFixed(0)}</text><text x="${left + width}" y="${height - 8}" text-anchor="end">${hi.toFixed(0)}</text>
</svg>
`;
}
