// `botsky bots` through the gateway's bot API (services/gateway handlers/bots.ts): a builder with
// their gateway key (BOTSKY_GATEWAY_KEY) manages their own bots, an operator with the operators'
// token (BOTSKY_GATEWAY_ADMIN_TOKEN) any. `add` sends the bot file and waits for the sandbox's
// verdict, printing every sample post, the bot's reply and why a reply was refused.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxReport } from '@botsky/contracts';
import { resolveSecretRef } from '@botsky/kit';
import { parse as parseYaml } from 'yaml';
import { type CliIo, type FlagValues, UsageError } from '../command.ts';
import { type GatewayCall, gatewayBase, gatewayClient, refused } from './gateway-client.ts';

interface ShownBot {
  id: string;
  builder: string;
  handle: string;
  provider: { kind: string; model?: string; address?: string };
  version: number;
  state: 'sandbox' | 'live' | 'failed';
  sandbox?: SandboxReport;
  paused?: { at: string; by: string; reason: string };
}

const DEFAULT_WAIT_S = 180;

/** The token this call goes with: --token, a builder's BOTSKY_GATEWAY_KEY, or the operators' token; undefined when none. */
export function apiToken(flags: FlagValues, io: CliIo): string | undefined {
  if (typeof flags.token === 'string' && flags.token !== '') return flags.token;
  return io.env.BOTSKY_GATEWAY_KEY || io.env.BOTSKY_GATEWAY_ADMIN_TOKEN || undefined;
}

export function botsApi(flags: FlagValues, io: CliIo, token: string): GatewayCall {
  return gatewayClient(gatewayBase(flags, io, 'bots'), token, 'bots');
}

export async function addBot(api: GatewayCall, flags: FlagValues, io: CliIo): Promise<number> {
  if (typeof flags.file !== 'string' || flags.file === '') throw new UsageError('bots add: --file FILE (the bot, YAML or JSON) is needed');
  const spec = readBotFile(resolve(io.cwd, flags.file), io);
  const id = String(spec.id ?? '');
  const update = flags.update === true;
  const res = update ? await api('PUT', `/v1/bots/${encodeURIComponent(id)}`, spec) : await api('POST', '/v1/bots', spec);
  if (res.status !== (update ? 200 : 201)) return refused(res, `bots add ${id}`, io);
  const bot = res.body as ShownBot;
  io.out(`${bot.id} ${update ? 'changed' : 'registered'} (version ${bot.version}) for ${bot.builder}: in the sandbox`);
  const waitS = flags.wait === undefined ? DEFAULT_WAIT_S : Number(flags.wait);
  if (!Number.isFinite(waitS) || waitS < 0) throw new UsageError(`bots add: --wait must be seconds, 0 or more (got ${String(flags.wait)})`);
  if (waitS === 0) {
    io.out(`botsky bots show ${bot.id} gives the sandbox's verdict`);
    return 0;
  }
  const deadline = Date.now() + waitS * 1000;
  for (;;) {
    const now = await api('GET', `/v1/bots/${encodeURIComponent(bot.id)}`);
    if (now.status !== 200) return refused(now, `bots add ${bot.id}`, io);
    const shown = now.body as ShownBot;
    if (shown.version === bot.version && shown.state !== 'sandbox') {
      printSandbox(shown, io);
      return shown.state === 'live' ? 0 : 1;
    }
    if (Date.now() > deadline) {
      io.err(
        `bots add ${bot.id}: no sandbox verdict within ${waitS} s (is bot-runner running with BOTSKY_REGISTRY_SECRET?); botsky bots show ${bot.id} tells later`,
      );
      return 1;
    }
    await sleep(500);
  }
}

export async function showBot(api: GatewayCall, id: string, io: CliIo): Promise<number> {
  const res = await api('GET', `/v1/bots/${encodeURIComponent(id)}`);
  if (res.status !== 200) return refused(res, `bots show ${id}`, io);
  const bot = res.body as ShownBot;
  io.out(`${bot.id}\t@${bot.handle}\t${providerText(bot)}\tversion ${bot.version}\t${stateText(bot)}\tbuilder ${bot.builder}`);
  printSandbox(bot, io);
  return 0;
}

export async function listBots(api: GatewayCall, io: CliIo): Promise<number> {
  const res = await api('GET', '/v1/bots');
  if (res.status !== 200) return refused(res, 'bots list', io);
  const bots = (res.body as { bots: ShownBot[] }).bots;
  if (bots.length === 0) io.out('no registered bots');
  for (const b of bots) io.out(`${b.id}\t@${b.handle}\t${providerText(b)}\tversion ${b.version}\t${stateText(b)}\tbuilder ${b.builder}`);
  return 0;
}

export async function pauseBot(api: GatewayCall, action: 'pause' | 'resume', id: string, reason: string, io: CliIo): Promise<number> {
  const res = await api('POST', `/v1/bots/${encodeURIComponent(id)}/${action}`, action === 'pause' ? { reason } : {});
  if (res.status !== 200) return refused(res, `bots ${action} ${id}`, io);
  io.out(`${id} ${action === 'pause' ? 'paused' : 'resumed'}: every replica follows within about 2 s`);
  return 0;
}

export async function removeBot(api: GatewayCall, id: string, io: CliIo): Promise<number> {
  const res = await api('DELETE', `/v1/bots/${encodeURIComponent(id)}`);
  if (res.status !== 200) return refused(res, `bots remove ${id}`, io);
  io.out(`${id} removed: no replica answers with it from the next registry read on (a few seconds); its past replies stay a bot's`);
  return 0;
}

function providerText(b: ShownBot): string {
  return b.provider.kind === 'gateway' ? `gateway:${b.provider.model}` : `grpc://${b.provider.address}`;
}

function stateText(b: ShownBot): string {
  return b.paused ? `${b.state}, paused since ${b.paused.at}${b.paused.reason ? `: ${b.paused.reason}` : ''}` : b.state;
}

function printSandbox(bot: ShownBot, io: CliIo): void {
  const s = bot.sandbox;
  if (!s || s.version !== bot.version || s.finishedAt === undefined) {
    io.out(`sandbox: version ${bot.version} not run yet`);
    return;
  }
  const items = s.items ?? [];
  const ok = items.filter((i) => i.ok).length;
  io.out(`sandbox: ${s.passed ? 'passed' : 'failed'}, ${ok} of ${items.length} sample posts answered acceptably (run by ${s.claimedBy})`);
  if (s.error) io.out(`  could not run: ${s.error}`);
  for (const i of items) {
    const asked = i.mention ? ` (introduce @${i.mention})` : '';
    io.out(`  ${i.ok ? 'ok  ' : 'FAIL'} "${i.post}"${asked}`);
    io.out(
      `       ${i.ok ? `-> "${i.reply}"` : `refused: ${i.reason}`} (${i.latencyMs} ms, ${i.attempts} attempt${i.attempts === 1 ? '' : 's'})`,
    );
  }
  if (bot.state === 'live') io.out(`${bot.id} is live: every bot-runner replica answers with it within seconds`);
}

/** The bot file, with secrets given as { env: NAME } read from this command's environment (a literal works too). */
function readBotFile(path: string, io: CliIo): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`bots add: cannot read ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new UsageError(`bots add: ${path} must hold one bot (an object)`);
  const spec = { ...(doc as Record<string, unknown>) };
  const secret = (v: unknown, field: string): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    try {
      return resolveSecretRef(v, { env: io.env, secretsDir: io.cwd }).reveal();
    } catch (err) {
      throw new UsageError(`bots add: ${field} ${(err as Error).message}`);
    }
  };
  spec.appPassword = secret(spec.appPassword, 'appPassword');
  if (typeof spec.provider === 'object' && spec.provider !== null) {
    const p = { ...(spec.provider as Record<string, unknown>) };
    for (const k of ['apiKey', 'token']) if (p[k] !== undefined) p[k] = secret(p[k], `provider.${k}`);
    spec.provider = p;
  }
  return spec;
}
