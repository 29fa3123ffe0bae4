// A short simulated run, written through the warehouse into the real tables: three bots, a dozen
// people and ten minutes of posts, matchmaking decisions, reply tasks (some of them battles),
// outcomes, feed impressions, client interactions, likes, replies and rating snapshots. Random
// but seeded, so every run writes the same rows.
import type { Row, Warehouse } from '@botsky/warehouse';

export const BOTS = [
  { id: 'sunny', model: 'gpt-4o-mini', provider: 'openai' },
  { id: 'sage', model: 'claude-3-5-haiku', provider: 'anthropic' },
  { id: 'spark', model: 'llama-3.1-8b', provider: 'openai-compatible' },
] as const;
export const MINUTES = 10;

const PEOPLE = Array.from({ length: 12 }, (_, i) => `did:plc:person${i}`);

/** A seeded generator (mulberry32): the same rows on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Tables = Record<string, Row[]>;

export async function seedSimulatedRun(wh: Warehouse, start: Date): Promise<Record<string, number>> {
  const rnd = random(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const at = (minute: number, second: number) => new Date(start.getTime() + (minute * 60 + second) * 1000);
  const tables: Tables = {};
  const add = (table: string, row: Row) => {
    tables[table] ??= [];
    tables[table].push(row);
  };
  for (let minute = 0; minute < MINUTES; minute++) {
    for (let n = 0; n < 3; n++) simulatePost({ minute, n, rnd, pick, at, add });
  }
  addRatings(tables, at);
  addLlmCalls(tables, at, rnd);
  for (const [table, rows] of Object.entries(tables)) await wh.insert(table, rows);
  return Object.fromEntries(Object.entries(tables).map(([t, rows]) => [t, rows.length]));
}

interface Step {
  minute: number;
  n: number;
  rnd: () => number;
  pick: <T>(xs: readonly T[]) => T;
  at: (minute: number, second: number) => Date;
  add: (table: string, row: Row) => void;
}

/** One person's post and everything that follows from it. */
function simulatePost(s: Step): void {
  const author = s.pick(PEOPLE);
  const postUri = `at://${author}/app.bsky.feed.post/m${s.minute}n${s.n}`;
  const postedAt = s.at(s.minute, s.n * 15);
  s.add('posts', post(postUri, author, postedAt, {}));
  const decisionId = `d-${s.minute}-${s.n}`;
  if (s.n === 2) {
    s.add('match_decisions', decision(decisionId, postUri, author, 'skip', 'no_candidate', [], '', postedAt));
    return;
  }
  const mention = s.pick(PEOPLE.filter((p) => p !== author));
  const battle = s.n === 1 ? `b-${s.minute}` : '';
  const bots = battle ? [BOTS[s.minute % 3]!, BOTS[(s.minute + 1) % 3]!] : [s.pick(BOTS)];
  s.add(
    'match_decisions',
    decision(
      decisionId,
      postUri,
      author,
      'task',
      'matched',
      bots.map((b) => b.id),
      mention,
      postedAt,
      battle,
    ),
  );
  const replies = bots.map((bot) => simulateReply(s, { bot, postUri, author, mention, battle, postedAt }));
  if (battle && replies[0] && replies[1]) {
    const [a, b] = replies;
    const winner = a.score === b.score ? '' : a.score > b.score ? a.bot : b.bot;
    s.add('battles', {
      battle_id: battle,
      post_uri: postUri,
      bot_a: a.bot,
      bot_b: b.bot,
      reply_a_uri: a.uri,
      reply_b_uri: b.uri,
      score_a: a.score,
      score_b: b.score,
      winner,
      decided_at: s.at(s.minute, 58),
    });
  }
}

interface ReplyPlan {
  bot: (typeof BOTS)[number];
  postUri: string;
  author: string;
  mention: string;
  battle: string;
  postedAt: Date;
}

/** A reply task, its outcome, and the reply's exposure and engagement. */
function simulateReply(s: Step, p: ReplyPlan): { bot: string; uri: string; score: number } {
  const taskId = `t-${s.minute}-${s.n}-${p.bot.id}`;
  const botDid = `did:plc:bot-${p.bot.id}`;
  const uri = `at://${botDid}/app.bsky.feed.post/${taskId}`;
  const failed = s.rnd() < 0.1;
  const finishedAt = new Date(p.postedAt.getTime() + 2000 + Math.floor(s.rnd() * 3000));
  s.add('reply_tasks', {
    task_id: taskId,
    post_uri: p.postUri,
    post_author_did: p.author,
    bot_id: p.bot.id,
    mention_did: p.mention,
    battle_id: p.battle,
    reason: p.battle ? 'battle' : 'balanced',
    created_at: p.postedAt,
  });
  s.add('bot_replies', {
    task_id: taskId,
    bot_id: p.bot.id,
    model: p.bot.model,
    provider: p.bot.provider,
    status: failed ? 'failed' : 'replied',
    post_uri: p.postUri,
    reply_uri: failed ? '' : uri,
    reply_cid: failed ? '' : `cid-${taskId}`,
    mention_did: p.mention,
    battle_id: p.battle,
    failure_reason: failed ? 'model_timeout' : '',
    latency_ms: 400 + Math.floor(s.rnd() * 1600),
    tokens_in: 600 + Math.floor(s.rnd() * 200),
    tokens_out: 40 + Math.floor(s.rnd() * 40),
    cost_usd: 0.0004 + s.rnd() * 0.001,
    finished_at: finishedAt,
  });
  if (failed) return { bot: p.bot.id, uri, score: -1 };
  s.add('posts', post(uri, botDid, finishedAt, { reply_parent_uri: p.postUri, reply_root_uri: p.postUri, mentions: [p.mention] }));
  return { bot: p.bot.id, uri, score: simulateExposure(s, { ...p, taskId, uri, botDid, finishedAt }) };
}

/** Impressions in the feed, what viewers saw and did; returns the engagement the reply earned. */
function simulateExposure(s: Step, r: ReplyPlan & { taskId: string; uri: string; botDid: string; finishedAt: Date }): number {
  let engagement = 0;
  for (let v = 0; v < 5; v++) {
    const viewer = PEOPLE[(s.minute + s.n + v * 5) % PEOPLE.length]!;
    const servedAt = new Date(r.finishedAt.getTime() + (v + 1) * 4000);
    const requestId = `req-${r.taskId}-${v}`;
    s.add('impressions', {
      impression_id: `${requestId}-0`,
      feed_request_id: requestId,
      viewer_did: viewer,
      post_uri: r.uri,
      bot_id: r.bot.id,
      position: v,
      probability: 0.2,
      served_at: servedAt,
    });
    if (s.rnd() < 0.7) s.add('client_interactions', clientEvent(`seen-${requestId}`, viewer, r.uri, 'seen', r.bot.id, servedAt));
    if (s.rnd() < 0.35) {
      engagement++;
      s.add('interactions', {
        kind: 'like',
        uri: `at://${viewer}/app.bsky.feed.like/${requestId}`,
        cid: `cid-like-${requestId}`,
        actor_did: viewer,
        subject_uri: r.uri,
        subject_did: r.botDid,
        subject_bot_id: r.bot.id,
        collection: 'app.bsky.feed.like',
        created_at: servedAt,
        indexed_at: servedAt,
      });
      s.add('client_interactions', clientEvent(`like-${requestId}`, viewer, r.uri, 'like', r.bot.id, servedAt));
    }
  }
  if (s.rnd() < 0.45) {
    engagement += 2;
    const answerAt = new Date(r.finishedAt.getTime() + 30_000);
    s.add(
      'posts',
      post(`at://${r.mention}/app.bsky.feed.post/answer-${r.taskId}`, r.mention, answerAt, {
        reply_parent_uri: r.uri,
        reply_root_uri: r.postUri,
        parent_bot_id: r.bot.id,
        answers_mention: 1,
      }),
    );
  }
  return engagement;
}

export const BUILDERS = ['ada', 'grace'];

/** The gateway's calls: two builders, two keys each with its cap, two models, now and then a failure. */
function addLlmCalls(tables: Tables, at: (minute: number, second: number) => Date, rnd: () => number): void {
  const rows: Row[] = [];
  tables.llm_calls = rows;
  const spent = new Map<string, number>();
  for (let minute = 0; minute < MINUTES; minute++) {
    for (const [b, builder] of BUILDERS.entries()) {
      const key = `key${b}${minute % 2}`;
      const model = minute % 3 === 0 ? 'large' : 'small';
      const cost = 0.001 + rnd() * 0.002;
      spent.set(key, (spent.get(key) ?? 0) + cost);
      rows.push({
        call_id: `c${minute}-${b}`,
        key_id: key,
        builder,
        model,
        provider: model === 'large' ? 'anthropic' : 'openai',
        prompt_tokens: 100 + Math.floor(rnd() * 400),
        completion_tokens: 20 + Math.floor(rnd() * 200),
        cost_usd: cost,
        latency_ms: 200 + Math.floor(rnd() * 1800),
        outcome: minute % 7 === 6 ? 'upstream_refused' : 'ok',
        streamed: minute % 2,
        at: at(minute, 30 + b),
        key_spend_cap_usd: 5,
        key_spent_usd: spent.get(key) ?? 0,
      });
    }
  }
}

function addRatings(tables: Tables, at: (minute: number, second: number) => Date): void {
  const rows: Row[] = [];
  tables.rating_snapshots = rows;
  for (let minute = 4; minute < MINUTES; minute += 5) {
    for (const method of ['elo', 'bt']) {
      BOTS.forEach((bot, i) => {
        const rating = 1000 + (2 - i) * 25 + minute;
        rows.push({
          computed_at: at(minute, 59),
          method,
          bot_id: bot.id,
          model: bot.model,
          rating,
          ci_lo: rating - 40,
          ci_hi: rating + 40,
          rank: i + 1,
          battles: minute + 1,
        });
      });
    }
  }
}

function post(uri: string, author: string, at: Date, extra: Row): Row {
  return {
    uri,
    cid: `cid-${uri.split('/').pop()}`,
    author_did: author,
    text: 'a post about gardening and tea',
    langs: ['en'],
    reply_root_uri: '',
    reply_parent_uri: '',
    mentions: [],
    parent_bot_id: '',
    answers_mention: 0,
    created_at: at,
    indexed_at: at,
    ...extra,
  };
}

function decision(
  id: string,
  postUri: string,
  author: string,
  outcome: string,
  reason: string,
  bots: string[],
  mention: string,
  at: Date,
  battle = '',
): Row {
  return {
    decision_id: id,
    post_uri: postUri,
    post_author_did: author,
    outcome,
    reason,
    bot_ids: bots,
    mention_did: mention,
    battle_id: battle,
    candidates: 4,
    decided_at: at,
  };
}

function clientEvent(id: string, viewer: string, uri: string, event: string, botId: string, at: Date): Row {
  return { interaction_id: id, viewer_did: viewer, item_uri: uri, event, feed_context: '', bot_id: botId, received_at: at };
}
