// `botsky season start NAME | end NAME [--out FILE] | list`: seasons, time windows with their own
// leaderboard (@botsky/contracts seasons.ts). start and end write the season's record in NATS KV
// (KV_BUCKETS.seasons); scoring computes the season's leaderboard over the bot replies posted in
// its window and, once it has ended, freezes it. `end` waits for that (--wait SECONDS) and writes
// the frozen leaderboard to --out: the season's export, which later events never change.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus } from '@botsky/bus';
import { endSeason, KV_BUCKETS, listSeasons, parseSeason, SeasonError, startSeason } from '@botsky/contracts';
import { commonConfigSpec, createLogging, openBus } from '@botsky/kit';
import { UsageError, loadConfigOrUsage, type CliIo, type Command, type FlagValues } from '../command.ts';

const ACTIONS = ['start', 'end', 'list'] as const;
const DEFAULT_WAIT_S = 60;

export const season: Command = {
  name: 'season',
  summary: 'start or end a season (its own leaderboard, frozen at its end), or list them',
  usage: 'start NAME | end NAME [--out FILE] [--wait SECONDS] | list   [--bus URL] [--namespace NS]',
  details: [
    'start NAME           a season from now on: every bot answering from now is in it (names: letters, digits, . _ -)',
    'end NAME             ends it now; scoring freezes its leaderboard as of now (later events never change it)',
    '--out FILE           with end: write the frozen leaderboard there (JSON), once scoring has frozen it',
    '--wait SECONDS       with end: how long to wait for the freeze (default 60; 0: do not wait)',
    'list                 every season: its window and whether its leaderboard is frozen',
    '--bus URL            the NATS of the deployment (BOTSKY_BUS); --namespace NS its BOTSKY_NAMESPACE',
    "The leaderboards are served by scoring at /v1/seasons/NAME; a season's name is never reused.",
  ],
  options: {
    out: { type: 'string' },
    wait: { type: 'string' },
    bus: { type: 'string' },
    namespace: { type: 'string' },
  },
  positionals: true,
  async run(flags, positionals, io) {
    const [action, name, ...rest] = positionals;
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number]))
      throw new UsageError(`season: say start NAME, end NAME or list (got ${action ?? 'nothing'})`);
    if (action !== 'list' && !name) throw new UsageError(`season ${action}: which season?`);
    if (rest.length > 0 || (action === 'list' && name))
      throw new UsageError(`season ${action}: unexpected ${[name, ...rest].filter(Boolean).join(' ')}`);
    const waitS = readWait(flags);
    const bus = await connect(flags, io);
    try {
      const kv = await bus.kv(KV_BUCKETS.seasons);
      if (action === 'list') {
        const all = await listSeasons(kv);
        if (all.length === 0) io.out('no seasons');
        for (const s of all)
          io.out(
            `${s.name}\t${new Date(s.startedAt).toISOString()}\t${s.endedAt === undefined ? 'running' : new Date(s.endedAt).toISOString()}\t${s.frozen ? 'frozen' : s.endedAt === undefined ? '' : 'freezing'}`,
          );
        return 0;
      }
      try {
        if (action === 'start') {
          const s = await startSeason(kv, name as string, Date.now());
          io.out(`season ${s.name} started at ${new Date(s.startedAt).toISOString()}`);
          return 0;
        }
        const s = await endSeason(kv, name as string, Date.now());
        io.out(`season ${s.name} ended at ${new Date(s.endedAt as number).toISOString()}`);
      } catch (err) {
        if (!(err instanceof SeasonError)) throw err;
        io.err(`season ${action}: ${err.message}`);
        return 1;
      }
      if (waitS === 0 && typeof flags.out !== 'string') return 0;
      const frozen = await waitForFreeze(kv, name as string, waitS);
      if (!frozen) {
        io.err(
          `season end: scoring has not frozen ${name}'s leaderboard within ${waitS} s (is scoring running?); botsky season list shows when it has`,
        );
        return 1;
      }
      io.out(`season ${name}: leaderboard frozen, ${frozen.bots.length} bots`);
      if (typeof flags.out === 'string') {
        const path = resolve(io.cwd, flags.out);
        await writeFile(path, `${JSON.stringify(frozen, null, 2)}\n`);
        io.out(`written to ${path}`);
      }
      return 0;
    } finally {
      await bus.close();
    }
  },
};

function readWait(flags: FlagValues): number {
  if (typeof flags.wait !== 'string') return DEFAULT_WAIT_S;
  const n = Number(flags.wait);
  if (flags.wait.trim() === '' || !Number.isFinite(n) || n < 0 || n > 3600)
    throw new UsageError(`season: --wait must be seconds from 0 to 3600 (got "${flags.wait}")`);
  return n;
}

async function waitForFreeze(kv: Awaited<ReturnType<Bus['kv']>>, name: string, waitS: number) {
  const until = Date.now() + waitS * 1000;
  for (;;) {
    const entry = await kv.get(name);
    const record = entry ? parseSeason(entry.value) : undefined;
    if (record?.frozen) return record.frozen.leaderboard;
    if (Date.now() >= until) return undefined;
    await sleep(500);
  }
}

async function connect(flags: FlagValues, io: CliIo): Promise<Bus> {
  const env = { ...io.env };
  if (typeof flags.bus === 'string') env.BOTSKY_BUS = flags.bus;
  if (typeof flags.namespace === 'string') env.BOTSKY_NAMESPACE = flags.namespace;
  const config = loadConfigOrUsage(commonConfigSpec, env);
  if (config.bus.kind !== 'nats') throw new UsageError("season: needs the deployment's NATS (--bus nats://host:4222 or BOTSKY_BUS)");
  const { createLogger } = createLogging({ level: 'warn' });
  return openBus(config, createLogger('botsky:season'), 'botsky-season');
}
