// `botsky keys create|list|revoke`: the operator's side of the LLM gateway's keys, through its
// admin API (services/gateway: /admin/keys, behind BOTSKY_GATEWAY_ADMIN_TOKEN). A key is shown
// once, when it is made; the gateway keeps only its hash, so `list` shows ids, limits and usage.
import type { CliIo, Command, FlagValues } from '../command.ts';
import { UsageError } from '../command.ts';
import { type GatewayCall, gatewayBase, gatewayClient, refused } from './gateway-client.ts';

const ACTIONS = ['create', 'list', 'revoke'] as const;

interface KeyListing {
  id: string;
  builder: string;
  createdAt: number;
  revokedAt?: number;
  limits: { models: string[]; requestsPerMinute: number; tokensPerDay: number; spendCapUsd: number };
  usage: { spentUsd: number; tokensToday: number; heldUsd: number };
}

export const keys: Command = {
  name: 'keys',
  summary: "make, list and revoke the LLM gateway's API keys (a key is shown once)",
  usage: 'create --builder NAME --rpm N --tokens-per-day N --spend-cap USD [--models a,b] | list | revoke ID   [--gateway URL] [--token T]',
  details: [
    'create               a key for builder NAME with its limits; prints the key once (the gateway keeps only its hash)',
    '  --rpm N            requests a minute;  --tokens-per-day N;  --spend-cap USD (over the key’s life)',
    '  --models a,b       the gateway models it may call (default: every model)',
    'list                 every key: id, builder, limits, spend against the cap, revoked or not',
    'revoke ID            refuse key ID from the next request on, on every gateway replica',
    '--gateway URL        the gateway (BOTSKY_GATEWAY_URL, default http://127.0.0.1:4000)',
    '--token T            the operators’ token (BOTSKY_GATEWAY_ADMIN_TOKEN)',
    'Exit 0 when done, 1 when the gateway refuses (an unknown key, a model it does not serve).',
  ],
  options: {
    builder: { type: 'string' },
    rpm: { type: 'string' },
    'tokens-per-day': { type: 'string' },
    'spend-cap': { type: 'string' },
    models: { type: 'string' },
    gateway: { type: 'string' },
    token: { type: 'string' },
  },
  positionals: true,
  async run(flags, positionals, io) {
    const [action, id, ...rest] = positionals;
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number]))
      throw new UsageError(`keys: say create, list or revoke ID (got ${action ?? 'nothing'})`);
    if (action === 'revoke' && !id) throw new UsageError('keys revoke: which key? (botsky keys list shows their ids)');
    if (rest.length > 0 || (action !== 'revoke' && id))
      throw new UsageError(`keys ${action}: unexpected ${[id, ...rest].filter(Boolean).join(' ')}`);
    const admin = adminClient(flags, io);
    if (action === 'create') return create(admin, flags, io);
    if (action === 'list') return list(admin, io);
    return revoke(admin, id as string, io);
  },
};

type Admin = GatewayCall;

function adminClient(flags: FlagValues, io: CliIo): Admin {
  const base = gatewayBase(flags, io, 'keys');
  const token = typeof flags.token === 'string' ? flags.token : io.env.BOTSKY_GATEWAY_ADMIN_TOKEN;
  if (!token) throw new UsageError('keys: needs the operators’ token (--token or BOTSKY_GATEWAY_ADMIN_TOKEN)');
  return gatewayClient(base, token, 'keys');
}

function count(flags: FlagValues, name: string, integer: boolean): number {
  const raw = flags[name];
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(n) || n < 0 || (integer && (!Number.isInteger(n) || n < 1)))
    throw new UsageError(
      `keys create: --${name} must be ${integer ? 'a whole number of 1 or more' : 'a number of USD, 0 or more'} (got ${String(raw ?? 'nothing')})`,
    );
  return n;
}

async function create(admin: Admin, flags: FlagValues, io: CliIo): Promise<number> {
  if (typeof flags.builder !== 'string' || flags.builder === '') throw new UsageError('keys create: --builder NAME is needed');
  const limits = {
    requestsPerMinute: count(flags, 'rpm', true),
    tokensPerDay: count(flags, 'tokens-per-day', true),
    spendCapUsd: count(flags, 'spend-cap', false),
    ...(typeof flags.models === 'string' && flags.models !== '' ? { models: flags.models.split(',').map((m) => m.trim()) } : {}),
  };
  const res = await admin('POST', '/admin/keys', { builder: flags.builder, limits });
  if (res.status !== 201) return refused(res, 'keys create', io);
  const made = res.body as { key: string; id: string };
  io.out(`key ${made.id} for ${flags.builder}:`);
  io.out(`  ${made.key}`);
  io.out(`shown once: the gateway keeps only its hash. Give it to the builder; \`botsky keys revoke ${made.id}\` ends it.`);
  return 0;
}

async function list(admin: Admin, io: CliIo): Promise<number> {
  const res = await admin('GET', '/admin/keys');
  if (res.status !== 200) return refused(res, 'keys list', io);
  const all = (res.body as { keys: KeyListing[] }).keys;
  if (all.length === 0) io.out('no keys');
  for (const k of all) {
    const models = k.limits.models.length > 0 ? k.limits.models.join(',') : 'every model';
    const state = k.revokedAt ? `revoked ${new Date(k.revokedAt).toISOString()}` : 'active';
    io.out(
      `${k.id}\t${k.builder}\t${models}\t${k.limits.requestsPerMinute}/min\t${k.limits.tokensPerDay} tokens/day\t$${Number(k.usage.spentUsd ?? 0).toFixed(4)} of $${k.limits.spendCapUsd}\t${state}`,
    );
  }
  return 0;
}

async function revoke(admin: Admin, id: string, io: CliIo): Promise<number> {
  const res = await admin('DELETE', `/admin/keys/${encodeURIComponent(id)}`);
  if (res.status !== 200) return refused(res, 'keys revoke', io);
  io.out(`${id} revoked: every gateway replica refuses it from the next request on`);
  return 0;
}
