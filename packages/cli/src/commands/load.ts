// `botsky load`: a load test of BotSky on the local network. The devnet PDS, ingest publishing
// its firehose to the bus, and a simulated population of N people set up and running M simulated
// minutes with batched writes; at the end every record the population wrote must have arrived as
// exactly one event. Prints progress and the figures; exit 1 when the check fails.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from '../command.ts';
import { readLoadFlags } from '../load/options.ts';
import { printFigures } from '../load/report.ts';
import { runLoad } from '../load/run.ts';

export const load: Command = {
  name: 'load',
  summary: 'load-test the local network and ingest with N simulated people; check every record arrives once',
  usage: '[--users N] [--minutes M] [--seed N] [--data DIR] [--bus nats://...] [--json FILE] [--tick M] [--concurrency N] [--progress S]',
  details: [
    '--users N        simulated people (default 1000; 10000 is the load test of issue 3: 10-20 minutes of set-up on 2 cores)',
    '--minutes M      simulated minutes of activity after set-up, run as fast as the PDS takes them (default 60)',
    '--seed N         seed of the people and their choices (default 1)',
    '--data DIR       the PDS keeps its data in a new folder under DIR, removed at the end (default /dev/shm when present, else the temp dir)',
    '--bus URL        publish over NATS JetStream (a namespace of its own, deleted at the end) instead of the in-process bus',
    '--json FILE      also write the figures as JSON',
    "--tick M         simulated minutes per tick; a person's writes of a tick go in one applyWrites (default 5)",
    "--concurrency N  accounts created at once (default 8; more does not help: the PDS's event loop is the limit)",
    '--progress S     seconds between progress lines (default 10)',
    'Progress on stdout; exit 0 only when no written record is missing or duplicated on the bus.',
  ],
  options: {
    users: { type: 'string' },
    minutes: { type: 'string' },
    seed: { type: 'string' },
    data: { type: 'string' },
    bus: { type: 'string' },
    json: { type: 'string' },
    tick: { type: 'string' },
    concurrency: { type: 'string' },
    progress: { type: 'string' },
  },
  async run(flags, _positionals, io) {
    const opts = readLoadFlags(flags, io.cwd);
    const bus = opts.busUrl === 'memory' ? 'the in-process bus' : `NATS at ${opts.busUrl}`;
    io.out(
      `botsky load: ${opts.users} people, ${opts.minutes} simulated minutes, seed ${opts.seed}; PDS data under ${opts.dataRoot}; ingest to ${bus}`,
    );
    const figures = await runLoad(opts, io);
    printFigures(figures, io.out);
    if (opts.jsonPath) {
      await mkdir(dirname(opts.jsonPath), { recursive: true });
      await writeFile(opts.jsonPath, `${JSON.stringify(figures, null, 2)}\n`);
      io.out(`botsky load: figures in ${opts.jsonPath}`);
    }
    return figures.exactly_once.ok ? 0 : 1;
  },
};
