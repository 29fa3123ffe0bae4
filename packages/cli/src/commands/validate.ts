// `botsky validate`: does the leaderboard measure the models? Many seasons of the simulated
// population against BotSky's own selection, exposure, battle rule and rating code, on simulated
// time and without the network, scored against qualities planted independently of the bots'
// styles and speeds (docs/ranking-method.md#validation).
import type { Command } from '../command.ts';
import { readValidateFlags } from '../validate/options.ts';
import { runValidation } from '../validate/run.ts';

export const validate: Command = {
  name: 'validate',
  summary: 'check the ranking method against planted qualities over many simulated seasons; JSON report',
  usage:
    '[--seasons N] [--days D] [--bots N] [--people N] [--seed N] [--sampling uniform|active] [--style-effect X] [--weighting none|inverse] [--workers N] [--json PATH]',
  details: [
    '--seasons N        seasons scored (default 200); 50 more are pooled for the reference rating',
    '--days D           simulated days per season (default 2)',
    '--bots N           offline bots, styles repeating past five, each with its own planted quality (default 8)',
    '--people N         simulated people per season (default 200)',
    '--seed N           seed of the bots, the seasons and everything in them (default 1)',
    '--sampling MODE    how battle pairs are drawn: uniform (default) or active; battles_to_tau runs both',
    "--style-effect X   strength of the people's taste for style (1 is the population's default, 0 none)",
    '--weighting W      how the fits weigh battles: none (default, as scoring) or inverse (1/pair probability)',
    '--workers N        worker threads (default: the cores, at most 4)',
    '--json PATH        write the report as JSON',
  ],
  options: {
    seasons: { type: 'string' },
    days: { type: 'string' },
    bots: { type: 'string' },
    people: { type: 'string' },
    seed: { type: 'string' },
    sampling: { type: 'string' },
    'style-effect': { type: 'string' },
    weighting: { type: 'string' },
    workers: { type: 'string' },
    json: { type: 'string' },
  },
  async run(flags, _positionals, io) {
    const opts = readValidateFlags(flags, io.cwd);
    const command = `botsky validate ${process.argv.slice(3).join(' ')}`.trim();
    await runValidation(opts, command, io);
    return 0;
  },
};
