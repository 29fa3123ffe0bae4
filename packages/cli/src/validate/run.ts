// `botsky validate`'s run: the bots, the season and reference jobs on worker threads, a progress
// bar on stderr, and the report.
import { writeFile } from 'node:fs/promises';
import type { StyledBattle } from '@botsky/ratings';
import { decisionSeed } from '@botsky/population';
import type { CliIo } from '../command.ts';
import type { ValidateOptions } from './options.ts';
import { runPool } from './pool.ts';
import { buildValidationReport, reportLines, type ValidationReport } from './report.ts';
import { TAU_TARGET, type SeasonJob, type SeasonSummary } from './season-job.ts';
import { validationBots } from './world.ts';

export async function runValidation(o: ValidateOptions, command: string, io: CliIo): Promise<ValidationReport> {
  const started = performance.now();
  const bots = validationBots(o.bots, o.seed);
  const job = (seed: number): SeasonJob => ({
    bots,
    people: o.people,
    days: o.days,
    seed,
    sampling: o.sampling,
    styleEffect: o.styleEffect,
    weighting: o.weighting,
  });
  const seasons = Array.from({ length: o.seasons }, (_, i) => ({ kind: 'season' as const, job: job(decisionSeed(o.seed, 'season', i)) }));
  const references = Array.from({ length: o.referenceSeasons }, (_, i) => ({
    kind: 'reference' as const,
    job: job(decisionSeed(o.seed, 'reference', i)),
  }));
  const total = seasons.length + references.length;
  io.err(`botsky validate: ${o.seasons} seasons and ${o.referenceSeasons} reference seasons on ${o.workers} worker(s)`);
  const bar = progressBar(total, io, started);
  const results = await runPool([...seasons, ...references], o.workers, bar);
  const summaries = results.slice(0, seasons.length) as SeasonSummary[];
  const reference = (results.slice(seasons.length) as StyledBattle[][]).flat();
  const report = buildValidationReport({
    options: o,
    command,
    bots,
    seasons: summaries,
    reference,
    elapsedS: (performance.now() - started) / 1000,
    tauTarget: TAU_TARGET,
  });
  for (const line of reportLines(report)) io.out(line);
  if (o.jsonPath) {
    await writeFile(o.jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    io.out(`report: ${o.jsonPath}`);
  }
  return report;
}

/** A bar redrawn in place on a terminal, a line every 10% otherwise. */
function progressBar(total: number, io: CliIo, started: number): (done: number) => void {
  const tty = process.stderr.isTTY === true;
  let lastTenth = -1;
  return (done) => {
    const share = done / total;
    const width = 30;
    const filled = Math.round(share * width);
    const elapsed = (performance.now() - started) / 1000;
    const eta = done > 0 ? (elapsed / done) * (total - done) : 0;
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} jobs  ${elapsed.toFixed(0)} s, about ${eta.toFixed(0)} s left`;
    if (tty) process.stderr.write(`\r${line}${done === total ? '\n' : ''}`);
    else if (Math.floor(share * 10) > lastTenth) {
      lastTenth = Math.floor(share * 10);
      io.err(line);
    }
  };
}
