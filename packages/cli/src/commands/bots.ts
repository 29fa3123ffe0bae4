// `botsky bots list|pause ID|resume ID`: the operator's switch for one bot, without a restart.
// It writes the controls entry in NATS KV (KV_BUCKETS.controls, @botsky/contracts bot-controls.ts)
// that every bot-runner and matchmaker replica re-reads each second: a paused bot is given no new
// posts, and its tasks already queued or being generated are settled as PAUSED, never posted.
import { commonConfigSpec, openBus, createLogging } from '@botsky/kit';
import { KV_BUCKETS, readBotControls, readRoster, setBotPaused, type BotControls, type RosterEntry } from '@botsky/contracts';
import type { Bus } from '@botsky/bus';
import { UsageError, loadConfigOrUsage, type CliIo, type Command, type FlagValues } from '../command.ts';

const ACTIONS = ['list', 'pause', 'resume'] as const;

export const bots: Command = {
  name: 'bots',
  summary: 'list the bots, or pause or resume one across every replica within seconds',
  usage: 'list | pause ID [--reason TEXT] [--force] | resume ID   [--bus URL] [--namespace NS]',
  details: [
    'list                 every bot in the roster (written by bot-runner), with whether and why it is paused',
    'pause ID             stop bot ID answering: within about 2 s no replica gives it posts or posts its replies',
    'resume ID            let it answer again (posts from then on; tasks settled while paused are not retried)',
    '--reason TEXT        why, kept with the pause and shown by list',
    '--force              pause an ID not in the roster (yet), e.g. before its bot-runner starts',
    '--bus URL            the NATS of the deployment (BOTSKY_BUS); --namespace NS its BOTSKY_NAMESPACE',
    'Exit 0 when done (also when nothing changed: pausing a paused bot), 1 when the ID is unknown.',
  ],
  options: {
    reason: { type: 'string' },
    force: { type: 'boolean' },
    bus: { type: 'string' },
    namespace: { type: 'string' },
  },
  positionals: true,
  async run(flags, positionals, io) {
    const [action, id, ...rest] = positionals;
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number]))
      throw new UsageError(`bots: say list, pause ID or resume ID (got ${action ?? 'nothing'})`);
    if (action !== 'list' && !id) throw new UsageError(`bots ${action}: which bot? (botsky bots list shows their IDs)`);
    if (rest.length > 0 || (action === 'list' && id))
      throw new UsageError(`bots ${action}: unexpected ${[...(action === 'list' ? [id] : []), ...rest].join(' ')}`);
    const bus = await connect(flags, io);
    try {
      const roster = await rosterOf(bus);
      const controls = await bus.kv(KV_BUCKETS.controls);
      if (action === 'list') return list(roster, await readBotControls(controls), io);
      const botId = id as string;
      if (!roster.some((b) => b.id === botId) && !(action === 'pause' && flags.force === true)) {
        io.err(
          `bots ${action}: no bot "${botId}" in the roster (${roster.map((b) => b.id).join(', ') || 'empty'})${action === 'pause' ? '; --force pauses it anyway' : ''}`,
        );
        return 1;
      }
      const pause =
        action === 'pause'
          ? { at: new Date().toISOString(), by: io.env.USER ?? 'botsky bots', reason: typeof flags.reason === 'string' ? flags.reason : '' }
          : undefined;
      const { changed } = await setBotPaused(controls, botId, pause);
      io.out(
        changed
          ? `${botId} ${action === 'pause' ? 'paused' : 'resumed'}: every replica follows within about 2 s`
          : `${botId} was already ${action === 'pause' ? 'paused' : 'running'}`,
      );
      return 0;
    } finally {
      await bus.close();
    }
  },
};

async function connect(flags: FlagValues, io: CliIo): Promise<Bus> {
  const env = { ...io.env };
  if (typeof flags.bus === 'string') env.BOTSKY_BUS = flags.bus;
  if (typeof flags.namespace === 'string') env.BOTSKY_NAMESPACE = flags.namespace;
  const config = loadConfigOrUsage(commonConfigSpec, env);
  if (config.bus.kind !== 'nats')
    throw new UsageError(
      "bots: needs the deployment's NATS (--bus nats://host:4222 or BOTSKY_BUS); the in-process bus has no other replicas",
    );
  const { createLogger } = createLogging({ level: 'warn' });
  return openBus(config, createLogger('botsky:bots'), 'botsky-bots');
}

/** The roster's entries (an entry the contract rejects is not a bot anyone can name). */
async function rosterOf(bus: Bus): Promise<RosterEntry[]> {
  return (await readRoster(await bus.kv(KV_BUCKETS.bots))).entries;
}

function list(roster: readonly RosterEntry[], controls: BotControls, io: CliIo): number {
  const ids = [...new Set([...roster.map((b) => b.id), ...Object.keys(controls.paused)])].sort();
  if (ids.length === 0) io.out('no bots in the roster');
  for (const id of ids) {
    const bot = roster.find((b) => b.id === id);
    const p = controls.paused[id];
    const state = p ? `paused since ${p.at}${p.by ? ` by ${p.by}` : ''}${p.reason ? `: ${p.reason}` : ''}` : 'running';
    io.out(`${id}\t${bot ? `@${bot.handle}\t${bot.model}` : '(not in the roster)\t'}\t${state}`);
  }
  return 0;
}
