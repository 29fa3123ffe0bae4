import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as Bsky from '@atproto/bsky';
import { DevnetHandleResolver } from './id-resolver.ts';
import { findFreePort, listenLocal, LOOPBACK, type Listenable } from './local-server.ts';
import { createServiceIdentity, type ServiceIdentity } from './service-identity.ts';
import { runAllOrThrow } from './teardown.ts';

export const DEFAULT_POSTGRES_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface AppViewOptions {
  /** Postgres the AppView indexes into, in a schema of its own dropped on stop. */
  postgresUrl?: string;
}

/** Who the AppView is, decided before the PDS starts, because the PDS config names it. */
export interface AppViewIdentity extends ServiceIdentity {
  readonly url: string;
  readonly port: number;
}

export interface RunningAppView {
  readonly url: string;
  readonly did: string;
  /** Resolves once the AppView has indexed every event the PDS had sequenced when called. */
  sync(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

interface AppViewContext {
  plcUrl: string;
  pdsUrl: string;
  /** The PDS's newest sequence number, which sync() waits for. */
  headSeq: () => Promise<number | null>;
  opts: AppViewOptions;
}

export async function createAppViewIdentity(plcUrl: string): Promise<AppViewIdentity> {
  const port = await findFreePort();
  const url = `http://localhost:${port}`;
  const identity = await createServiceIdentity(plcUrl, {
    bsky_appview: { type: 'BskyAppView', endpoint: url },
    bsky_notif: { type: 'BskyNotificationService', endpoint: url },
  });
  return { ...identity, url, port };
}

/** The reference AppView (@atproto/bsky): dataplane on Postgres, indexing the PDS's firehose. */
export async function startAppView(id: AppViewIdentity, ctx: AppViewContext): Promise<RunningAppView> {
  // Loaded only in this mode: the AppView is a large module graph that PDS-only users never need.
  const bsky = await import('@atproto/bsky');
  // @atproto/bsky accepts only [A-Za-z_] in schema names.
  const schema = `devnet_${Array.from(randomBytes(10), (b) => String.fromCharCode(97 + (b % 26))).join('')}`;
  const db = new bsky.Database({ url: ctx.opts.postgresUrl ?? DEFAULT_POSTGRES_URL, schema, poolSize: 10 });
  const undo: Array<() => Promise<void>> = [() => dropSchema(db, schema)];
  const stop = () => runAllOrThrow(undo);
  try {
    await db.migrateToLatestOrThrow();
    const dataplane = await startDataplane(bsky, db, ctx);
    undo.unshift(() => dataplane.destroy());
    const server = await startServer(bsky, id, ctx, dataplane);
    undo.unshift(server.close);
    const sub = new bsky.RepoSubscription({ service: wsOrigin(ctx.pdsUrl), db, idResolver: dataplane.idResolver });
    // start() only opens the subscription; it reconnects by itself and replays from seq 0.
    void sub.start().catch(() => undefined);
    undo.unshift(() => sub.destroy());
    return { url: id.url, did: id.did, sync: (timeoutMs) => syncWith(sub, ctx, timeoutMs), stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

async function startDataplane(bsky: typeof Bsky, db: Bsky.Database, ctx: AppViewContext): Promise<Bsky.DataPlaneServer> {
  const dataplane = await bsky.DataPlaneServer.create(db, 0, ctx.plcUrl, globalThis.fetch);
  // create() binds every interface and offers no host option: rebind to loopback before anyone
  // can have learnt the (random) port.
  await rebindLoopback(dataplane.server);
  dataplane.idResolver.handle = new DevnetHandleResolver(ctx.pdsUrl);
  return dataplane;
}

async function startServer(
  bsky: typeof Bsky,
  id: AppViewIdentity,
  ctx: AppViewContext,
  dataplane: Bsky.DataPlaneServer,
): Promise<{ port: number; close(): Promise<void> }> {
  const dataplanePort = (dataplane.server.address() as AddressInfo).port;
  const config = appViewConfig(bsky, id, ctx, `http://${LOOPBACK}:${dataplanePort}`);
  const appView = bsky.BskyAppView.create({ config, signingKey: id.key });
  appView.ctx.idResolver.handle = new DevnetHandleResolver(ctx.pdsUrl);
  // BskyAppView.start() binds every interface; this is its sequence bound to loopback. Feature
  // gates have no GrowthBook host here, so a failure to start them only means defaults.
  appView.ctx.featureGatesClient.start().catch(() => undefined);
  const server = await listenLocal(appView.app as unknown as Listenable, id.port);
  config.assignPort(server.port);
  const close = async (): Promise<void> => {
    await server.close();
    await appView.destroy();
  };
  return { port: server.port, close };
}

function appViewConfig(bsky: typeof Bsky, id: AppViewIdentity, ctx: AppViewContext, dataplaneUrl: string): Bsky.ServerConfig {
  return new bsky.ServerConfig({
    version: 'devnet',
    port: id.port,
    publicUrl: id.url,
    serverDid: id.did as `did:${string}:${string}`,
    alternateAudienceDids: [],
    didPlcUrl: ctx.plcUrl,
    dataplaneUrls: [dataplaneUrl],
    dataplaneHttpVersion: '1.1',
    // No bsync runs in the devnet: mutes, bookmarks and notification preferences fail; reads of
    // profiles, threads and feeds do not touch it.
    bsyncUrl: `http://${LOOPBACK}:1`,
    bsyncHttpVersion: '1.1',
    modServiceDid: 'did:example:no-moderation',
    labelsFromIssuerDids: [],
    adminPasswords: [randomBytes(16).toString('hex')],
    etcdHosts: [],
    bigThreadUris: new Set(),
    maxThreadParents: 50,
    // Feed generators on the devnet are plain http on localhost.
    disableSsrfProtection: true,
    searchTagsHide: new Set(),
    searchTagsHideAll: new Set(),
    threadTagsBumpDown: new Set(),
    threadTagsHide: new Set(),
    visibilityTagHide: '',
    visibilityTagRankPrefix: '',
    debugFieldAllowedDids: new Set(),
    draftsLimit: 500,
    feedGenSkeletonTimeout: 5_000,
  });
}

async function syncWith(sub: Bsky.RepoSubscription, ctx: AppViewContext, timeoutMs = 10_000): Promise<void> {
  const target = (await ctx.headSeq()) ?? 0;
  const deadline = performance.now() + timeoutMs;
  while (((await sub.getCursor()) ?? 0) < target) {
    if (performance.now() > deadline) throw new Error(`AppView did not reach seq ${target} in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await sub.processAll();
}

async function rebindLoopback(server: Server): Promise<void> {
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function dropSchema(db: Bsky.Database, schema: string): Promise<void> {
  try {
    await db.pool.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await db.close();
    // Database.close() ends the pool only once Kysely has used it; a start that failed before
    // the first migration query would otherwise leave connections holding the process open.
    if (!db.pool.ended) await db.pool.end();
  }
}

function wsOrigin(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.origin;
}
