// `botsky bots`: self-service bots through the gateway's bot API (bots-api.ts: add, list, show,
// pause, resume, remove), and the operator's switch for any bot on the bus (list, pause, resume):
// the controls entry in NATS KV (KV_BUCKETS.controls, @botsky/contracts bot-controls.ts) that every
// bot-runner and matchmaker replica re-reads each second: a paused bot is given no new posts, and
// its tasks already queued or being generated are settled as PAUSED, never posted.
import { commonConfigSpec, openBus, createLogging } from '@botsky/kit';
import { KV_BUCKETS, readBotControls, readRoster, setBotPaused, type BotControls, type RosterEntry } from '@botsky/contracts';
import type { Bus } from '@botsky/bus';
import { UsageError, loadConfigOrUsage, type CliIo, type Command, type FlagValues } from '../command.ts';
import { addBot, apiToken, botsApi, listBots, pauseBot, removeBot, showBot } from './bots-api.ts';

const ACTIONS = ['list', 'show', 'add', 'pause', 'resume', 'remove'] as const;
/** What only the gateway's bot API does (the bus path is the operator's roster and pauses). */
const API_ONLY = new Set(['show', 'add', 'remove']);

export const bots: Command = {
  name: 'bots',
  summary: 'register, change, pause, resume and remove bots (through the gateway), or list and pause them on the bus',
  usage:
    'add --file FILE [--update] [--wait S] | list | show ID | pause ID [--reason TEXT] | resume ID | remove ID   [--gateway URL] [--token T] | [--bus URL] [--namespace NS]',
  details: [
    'Through the gateway (a builder’s key in BOTSKY_GATEWAY_KEY, or the operators’ BOTSKY_GATEWAY_ADMIN_TOKEN, or --token):',
    'add --file FILE      register the bot FILE describes (YAML or JSON; docs/bot-builders.md), wait for the sandbox and print it',
    '  --update           change a registered bot instead (it goes through the sandbox again)',
    '  --wait S           how long to wait for the sandbox’s verdict (default 180; 0: do not wait)',
    'list                 your registered bots (an operator: all of them) with their state',
    'show ID              one bot: state, version, the sandbox’s sample posts, replies and refusals',
    'pause ID, resume ID  stop it answering / let it answer again, on every replica within about 2 s',
    'remove ID            take it off: no more posts; its past replies stay a bot’s',
    '--gateway URL        the gateway (BOTSKY_GATEWAY_URL, default http://127.0.0.1:4000)',
    'On the bus (an operator, any bot in the roster, file-registered ones too; used when there is no token, or with --bus):',
    'list | pause ID [--reason TEXT] [--force] | resume ID',
    '--force              pause an ID not in the roster (yet), e.g. before its bot-runner starts',
    '--bus URL            the NATS of the deployment (BOTSKY_BUS); --namespace NS its BOTSKY_NAMESPACE',
    'Exit 0 when done (add: when the bot passed the sandbox), 1 when refused or the bot failed, 2 on a usage mistake.',
  ],
  options: {
    reason: { type: 'string' },
    force: { type: 'boolean' },
    bus: { type: 'string' },
    namespace: { type: 'string' },
    file: { type: 'string' },
    update: { type: 'boolean' },
    wait: { type: 'string' },
    gateway: { type: 'string' },
    token: { type: 'string' },
  },
  positionals: true,
  async run(flags, positionals, io) {
    const [action, id, ...rest] = positionals;
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number]))
      throw new UsageError(`bots: say add, list, show ID, pause ID, resume ID or remove ID (got ${action ?? 'nothing'})`);
    const takesId = action !== 'list' && action !== 'add';
    if (takesId && !id) throw new UsageError(`bots ${action}: which bot? (botsky bots list shows their IDs)`);
    if (rest.length > 0 || (!takesId && id))
      throw new UsageError(`bots ${action}: unexpected ${[...(takesId ? [] : [id]), ...rest].join(' ')}`);
    const token = apiToken(flags, io);
    if (API_ONLY.has(action as string) || (token !== undefined && typeof flags.bus !== 'string')) {
      if (!token)
        throw new UsageError(
          `bots ${action}: goes through the gateway: needs a gateway key (BOTSKY_GATEWAY_KEY), the operators’ token (BOTSKY_GATEWAY_ADMIN_TOKEN) or --token`,
        );
      const api = botsApi(flags, io, token);
      const reason = typeof flags.reason === 'string' ? flags.reason : '';
      if (action === 'add') return addBot(api, flags, io);
      if (action === 'list') return listBots(api, io);
      if (action === 'show') return showBot(api, id as string, io);
      if (action === 'remove') return removeBot(api, id as string, io);
      return pauseBot(api, action as 'pause' | 'resume', id as string, reason, io);
    }
    return onBus(action as 'list' | 'pause' | 'resume', id, flags, io);
  },
};

async function onBus(action: 'list' | 'pause' | 'resume', id: string | undefined, flags: FlagValues, io: CliIo): Promise<number> {
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
}

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
    const running = bot?.active === false ? 'inactive (removed, or changed and in the sandbox)' : 'running';
    const state = p ? `paused since ${p.at}${p.by ? ` by ${p.by}` : ''}${p.reason ? `: ${p.reason}` : ''}` : running;
    io.out(`${id}\t${bot ? `@${bot.handle}\t${bot.model}` : '(not in the roster)\t'}\t${state}`);
  }
  return 0;
}
