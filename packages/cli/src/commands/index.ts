// The command registry: one file per command, listed here in the order `help` shows them.
import type { Command } from '../command.ts';
import { bots } from './bots.ts';
import { demo } from './demo.ts';
import { exportCommand } from './export.ts';
import { helpCommand } from './help.ts';
import { keys } from './keys.ts';
import { load } from './load.ts';
import { publishFeed } from './publish-feed.ts';
import { rescore } from './rescore.ts';
import { season } from './season.ts';
import { up } from './up.ts';
import { validate } from './validate.ts';

export const commands: Readonly<Record<string, Command>> = {
  up,
  demo,
  load,
  rescore,
  export: exportCommand,
  validate,
  'publish-feed': publishFeed,
  bots,
  keys,
  season,
  help: helpCommand(() => commands),
};
