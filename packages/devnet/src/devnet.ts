import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IdResolver } from '@atproto/identity';
import { mapBounded } from '@botsky/async';
import { Client as PlcClient } from '@did-plc/lib';
import { createAccount, type AccountInput, type CreateAccountsOptions, type DevnetAccount } from './accounts.ts';
import { createAppViewIdentity, startAppView, type AppViewOptions, type RunningAppView } from './appview.ts';
import { DevnetConfigError, DevnetError, DevnetStartError, DevnetStopError } from './errors.ts';
import { createDevnetIdResolver } from './id-resolver.ts';
import { HANDLE_DOMAIN, startPds, type RunningPds } from './pds.ts';
import { startPlc, type RunningPlc } from './plc.ts';
import { combine, runAll } from './teardown.ts';
import { createServiceIdentity, type ServiceEndpoints, type ServiceIdentity } from './service-identity.ts';

/** The subset of pino's API the devnet uses, so a pino logger can be passed as is. */
export interface DevnetLogger {
  info(obj: Record<string, unknown>, msg: string): void;
}

export interface DevnetOptions {
  /** Where the PDS keeps its SQLite files and blobs; must be absent or empty. Default: a new temp dir. */
  dataDir?: string;
  /** Leave `dataDir` in place on stop (for a post-mortem); only honoured with `dataDir`. */
  keepDataDir?: boolean;
  /** Fixed ports; by default free ones are picked. */
  pdsPort?: number;
  plcPort?: number;
  /**
   * Also run the reference AppView (@atproto/bsky) so app.bsky.* reads work through the PDS.
   * Needs Postgres (default postgresql://postgres@127.0.0.1:5432/postgres); Redis is not used.
   */
  appview?: boolean | AppViewOptions;
  logger?: DevnetLogger;
}

export interface Devnet {
  /** http://localhost:<port>, the PDS's public URL (also the endpoint in its accounts' DID documents). */
  readonly pdsUrl: string;
  readonly plcUrl: string;
  /** ws://localhost:<port>/xrpc/com.atproto.sync.subscribeRepos */
  readonly firehoseUrl: string;
  readonly dataDir: string;
  /** Every account handle ends in this (".test"). */
  readonly handleDomain: string;
  /** PDS admin password (Basic auth as "admin"), random per network. */
  readonly adminPassword: string;
  /** The PDS's HS256 secret for access and refresh tokens, random per network: tests mint tokens with it. */
  readonly jwtSecret: string;
  /** Set only with `appview`: the AppView's URL and DID (the PDS proxies app.bsky.* to it). */
  readonly appviewUrl: string | undefined;
  readonly appviewDid: string | undefined;
  /** Waits until the AppView has indexed every write made so far; throws without `appview`. */
  syncAppView(timeoutMs?: number): Promise<void>;
  /** Registers a did:plc for a service of yours (e.g. a feed generator) in the devnet's PLC. */
  createServiceIdentity(services: ServiceEndpoints): Promise<ServiceIdentity>;
  createAccount(input: AccountInput): Promise<DevnetAccount>;
  /** `count` accounts <prefix><n>.test, created a few at a time. */
  createAccounts(count: number, opts?: CreateAccountsOptions): Promise<DevnetAccount[]>;
  /** An identity resolver that works against this network (local PLC, handles via the PDS). */
  createIdResolver(): IdResolver;
  /**
   * Rewrites the handle an account's DID document claims, in the PLC, signed with the PDS's
   * rotation key, behind the PDS's back: the PDS still answers for the old handle, so the new
   * claim does not verify (as when a domain handle's DNS record goes away).
   */
  claimHandleInPlc(did: string, handle: string): Promise<void>;
  /**
   * Another PDS on this network's PLC (accounts there get the same handle domain; their DID
   * documents name that PDS), stopped with the network.
   */
  startSecondPds(): Promise<SecondPds>;
  /** Stops AppView, PDS, PLC (in that order) and removes the data dir; safe to call more than once. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const quietLogger: DevnetLogger = { info: () => undefined };

export interface SecondPds {
  readonly pdsUrl: string;
  createAccount(input: AccountInput): Promise<DevnetAccount>;
}

/** Starts a PLC directory and a PDS (and optionally an AppView) in this process, on loopback. */
export async function startDevnet(opts: DevnetOptions = {}): Promise<Devnet> {
  const logger = opts.logger ?? quietLogger;
  const startedAt = performance.now();
  const data = await prepareDataDir(opts);
  // Undo steps, newest first, so a failed start leaves nothing behind.
  const undo: Array<() => Promise<void>> = [() => removeDir(data)];
  try {
    const parts = await startParts(opts, data.dir, undo);
    const ms = Math.round(performance.now() - startedAt);
    const { pds, plc, appView } = parts;
    logger.info({ pdsUrl: pds.url, plcUrl: plc.url, appviewUrl: appView?.url, dataDir: data.dir, ms }, 'devnet started');
    return buildDevnet(parts, data.dir, () => runAll(undo), logger);
  } catch (err) {
    const errors = await runAll(undo);
    throw new DevnetStartError('devnet failed to start', { cause: combine([err, ...errors]) });
  }
}

interface Parts {
  plc: RunningPlc;
  pds: RunningPds;
  appView?: RunningAppView;
}

async function startParts(opts: DevnetOptions, dir: string, undo: Array<() => Promise<void>>): Promise<Parts> {
  const plc = await startPlc(opts.plcPort);
  undo.unshift(plc.stop);
  // The PDS config names the AppView, so its port and DID exist before the PDS starts.
  const appViewId = opts.appview ? await createAppViewIdentity(plc.url) : undefined;
  const pds = await startPds({ port: opts.pdsPort, plcUrl: plc.url, dir, appView: appViewId });
  undo.unshift(pds.stop);
  if (!appViewId) return { plc, pds };
  const appView = await startAppView(appViewId, {
    plcUrl: plc.url,
    pdsUrl: pds.url,
    headSeq: () => pds.pds.ctx.sequencer.curr(),
    opts: typeof opts.appview === 'object' ? opts.appview : {},
  });
  undo.unshift(appView.stop);
  return { plc, pds, appView };
}

function buildDevnet({ plc, pds, appView }: Parts, dataDir: string, teardown: () => Promise<unknown[]>, logger: DevnetLogger): Devnet {
  let accountCounter = 0;
  let extraCounter = 0;
  const extras: Array<() => Promise<void>> = [];
  const stop = once(async () => {
    const errors = [...(await runAll(extras.reverse())), ...(await teardown())];
    logger.info({ dataDir, errors: errors.length }, 'devnet stopped');
    if (errors.length > 0) throw new DevnetStopError('devnet did not stop cleanly', { cause: combine(errors) });
  });
  const firehose = new URL('/xrpc/com.atproto.sync.subscribeRepos', pds.url);
  firehose.protocol = 'ws:';
  return {
    pdsUrl: pds.url,
    plcUrl: plc.url,
    firehoseUrl: firehose.toString(),
    dataDir,
    handleDomain: HANDLE_DOMAIN,
    adminPassword: pds.adminPassword,
    jwtSecret: pds.jwtSecret,
    appviewUrl: appView?.url,
    appviewDid: appView?.did,
    async syncAppView(timeoutMs) {
      if (!appView) throw new DevnetError('syncAppView needs a devnet started with appview');
      await appView.sync(timeoutMs);
    },
    createServiceIdentity: (services) => createServiceIdentity(plc.url, services),
    createAccount: (input) => createAccount(pds.url, input),
    createAccounts(count, { prefix = 'user', password = 'password', concurrency = 4 } = {}) {
      const handles = Array.from({ length: count }, () => `${prefix}${accountCounter++}`);
      return mapBounded(handles, concurrency, (handle) => createAccount(pds.url, { handle, password }));
    },
    createIdResolver: () => createDevnetIdResolver(plc.url, pds.url),
    claimHandleInPlc: (did, handle) => new PlcClient(plc.url).updateHandle(did, pds.rotationKey, handle),
    async startSecondPds() {
      const second = await startPds({ plcUrl: plc.url, dir: join(dataDir, `pds-extra-${++extraCounter}`) });
      extras.push(second.stop);
      return { pdsUrl: second.url, createAccount: (input) => createAccount(second.url, input) };
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

interface DataDir {
  dir: string;
  remove: boolean;
}

async function prepareDataDir(opts: DevnetOptions): Promise<DataDir> {
  if (opts.dataDir === undefined) {
    return { dir: await mkdtemp(join(tmpdir(), 'botsky-devnet-')), remove: true };
  }
  await mkdir(opts.dataDir, { recursive: true });
  // The PLC is in memory, so old PDS data could never be served again; refusing a non-empty dir
  // also means stop() never deletes files the caller cared about.
  if ((await readdir(opts.dataDir)).length > 0) {
    throw new DevnetConfigError(`dataDir ${opts.dataDir} is not empty`);
  }
  return { dir: opts.dataDir, remove: opts.keepDataDir !== true };
}

/** Later calls share the first call's promise, so stop() is safe to call from several places. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}

async function removeDir(data: DataDir): Promise<void> {
  if (data.remove) await rm(data.dir, { recursive: true, force: true });
}
