// `botsky validate`: a short run as a person runs it (a real process, worker threads, the JSON
// report), its flags, and the properties the harness must have to be worth anything: qualities
// planted independently of the bots' manners, and a ranking method that, on a season's own data,
// tells quality from style.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { runNode } from '@botsky/kit/testing';
import { bradleyTerry, bradleyTerryStyle, kendallTau, type StyledBattle } from '@botsky/ratings';
import { METHODS, seasonBattles } from '../src/validate/methods.ts';
import type { ValidationReport } from '../src/validate/report.ts';
import { simulateSeason } from '../src/validate/season.ts';
import { validationBots } from '../src/validate/world.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('botsky validate', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botsky-validate-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('runs seasons on worker threads, shows progress and writes every report field', { timeout: 240_000 }, async (t) => {
    const json = join(dir, 'v.json');
    const args = [
      'validate',
      '--seasons',
      '3',
      '--days',
      '0.25',
      '--bots',
      '4',
      '--people',
      '60',
      '--seed',
      '3',
      '--workers',
      '2',
      '--json',
      json,
    ];
    const exit = await runNode(t, MAIN, args, {}).exited;
    assert.equal(exit.code, 0, exit.stderr);
    assert.match(exit.stderr, /\[#+\.*\] \d+\/53 jobs/, 'a progress bar');
    assert.match(exit.stdout, /^tau bt_style +median /m);
    const r = JSON.parse(await readFile(json, 'utf8')) as ValidationReport;
    assert.equal(r.seasons, 3);
    assert.equal(r.reference.seasons, 50);
    assert.ok(r.reference.battles > 0);
    assert.deepEqual(Object.keys(r.tau).sort(), [...METHODS].sort());
    for (const m of METHODS) {
      const { median, p10 } = r.tau[m];
      assert.ok(median >= -1 && median <= 1 && p10 <= median, `${m}: ${median} ${p10}`);
    }
    assert.ok(r.confident_errors >= 0 && r.confident_errors <= 1);
    assert.ok(r.coverage >= 0 && r.coverage <= 1);
    assert.deepEqual(Object.keys(r.battles_to_tau).sort(), ['active', 'bound', 'ratio', 'target', 'uniform']);
    assert.ok(r.drop_to_flip === null || r.drop_to_flip >= 0);
    assert.equal(r.bots.length, 4);
    assert.deepEqual(r.options.sampling, 'uniform');
  });

  it('refuses bad flags with a usage error', { timeout: 60_000 }, async (t) => {
    for (const bad of [['--sampling', 'greedy'], ['--seasons', '0'], ['--style-effect=-1'], ['--weighting', 'x']]) {
      const exit = await runNode(t, MAIN, ['validate', ...bad], {}).exited;
      assert.equal(exit.code, 2, `${bad.join(' ')}: ${exit.stderr}`);
      assert.match(exit.stderr, new RegExp(`--${(bad[0] as string).slice(2).split('=')[0]} must`));
    }
  });
});

describe('what the harness simulates', () => {
  it("plants qualities from the seed alone: the manners' order of quality changes from seed to seed", () => {
    const orders = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      const bots = validationBots(5, seed);
      orders.add(
        [...bots]
          .sort((a, b) => a.quality - b.quality)
          .map((b) => b.style)
          .join(','),
      );
    }
    assert.ok(orders.size >= 8, `${orders.size} distinct orders of the five manners in 12 seeds`);
  });

  it('takes twelve bots: manners repeat, each bot with its own planted quality', () => {
    const bots = validationBots(12, 4);
    assert.equal(new Set(bots.map((b) => b.id)).size, 12);
    assert.equal(new Set(bots.map((b) => b.quality)).size, 12);
    assert.equal(new Set(bots.map((b) => b.style)).size, 5);
  });

  it('gives people a taste for style that raw ratings follow and the style-controlled rating does not', () => {
    // Every bot has the same planted quality: any spread is style (and chance).
    const bots = validationBots(5, 2).map((b) => ({ ...b, quality: 0.5 }));
    const records = simulateSeason({ bots, people: 200, days: 3, seed: 9, sampling: 'uniform', styleEffect: 1, battleRate: 1 });
    const fits = runSeasonFits(records);
    assert.ok(range(fits.raw) > 60, `raw ratings spread by style: ${range(fits.raw).toFixed(0)}`);
    assert.ok(
      range(fits.style) < range(fits.raw) / 2,
      `style control removes most of it: ${range(fits.style).toFixed(0)} vs ${range(fits.raw).toFixed(0)}`,
    );
  });

  it('over a few seasons, the style-controlled rating recovers the planted order better than the raw one', () => {
    const bots = validationBots(6, 5);
    const truth = bots.map((b) => b.quality);
    let raw = 0;
    let style = 0;
    for (const seed of [21, 22, 23]) {
      const records = simulateSeason({ bots, people: 200, days: 1, seed, sampling: 'uniform', styleEffect: 1, battleRate: 1 });
      const battles = seasonBattles(records, records.endMs, 'none');
      const rawBy = bradleyTerry(battles);
      const styleBy = new Map(bradleyTerryStyle(battles).ratings.map((r) => [r.bot, r.rating]));
      raw +=
        kendallTau(
          truth,
          bots.map((b) => rawBy.get(b.id) as number),
        ) / 3;
      style +=
        kendallTau(
          truth,
          bots.map((b) => styleBy.get(b.id) as number),
        ) / 3;
    }
    assert.ok(style > raw + 0.1, `mean tau: bt_style ${style.toFixed(2)} vs bt_raw ${raw.toFixed(2)}`);
    assert.ok(style >= 0.7, `bt_style mean tau ${style.toFixed(2)}`);
  });
});

function runSeasonFits(records: ReturnType<typeof simulateSeason>): { raw: number[]; style: number[] } {
  return fitsOf(seasonBattles(records, records.endMs, 'none'));
}

function fitsOf(battles: readonly StyledBattle[]): { raw: number[]; style: number[] } {
  return { raw: [...bradleyTerry(battles).values()], style: bradleyTerryStyle(battles).ratings.map((r) => r.rating) };
}

function range(xs: readonly number[]): number {
  return Math.max(...xs) - Math.min(...xs);
}
