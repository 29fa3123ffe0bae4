import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Secp256k1Keypair } from '@atproto/crypto';
import { PDS, type ServerEnvironment } from '@atproto/pds';
import { findFreePort, isAddressInUse, listenLocal, type Listenable } from './local-server.ts';

/** Handles on the devnet PDS end in this; the PDS answers for them itself, never through DNS. */
export const HANDLE_DOMAIN = '.test';

export interface PdsOptions {
  /** Fixed port; when absent a free one is picked (and re-picked if taken before bind). */
  port?: number;
  plcUrl: string;
  dir: string;
  /** An AppView for the PDS to proxy app.bsky.* reads to; without one those reads fail. */
  appView?: { url: string; did: string };
}

export interface RunningPds {
  /** The PDS's own public URL: it appears in every DID document it creates. */
  readonly url: string;
  readonly port: number;
  /** For admin calls (Basic auth, user "admin"). Random per network. */
  readonly adminPassword: string;
  /** The PDS's HS256 secret for session tokens; random per network (tests mint tokens with it). */
  readonly jwtSecret: string;
  /** The PDS's PLC rotation key: it signs its accounts' PLC operations. */
  readonly rotationKey: Secp256k1Keypair;
  readonly pds: PDS;
  stop(): Promise<void>;
}

const BIND_ATTEMPTS = 3;

export async function startPds(opts: PdsOptions): Promise<RunningPds> {
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await findFreePort());
    try {
      return await startPdsOnPort(opts, port, join(opts.dir, `pds-${attempt}`));
    } catch (err) {
      // Another process took the probed port before we bound it: try a fresh one.
      if (opts.port !== undefined || !isAddressInUse(err) || attempt >= BIND_ATTEMPTS) throw err;
    }
  }
}

async function startPdsOnPort(opts: PdsOptions, port: number, dir: string): Promise<RunningPds> {
  await mkdir(dir, { recursive: true });
  const adminPassword = randomBytes(16).toString('hex');
  const rotationKey = await Secp256k1Keypair.create({ exportable: true });
  const env = await pdsEnvironment(opts, port, dir, adminPassword, rotationKey);
  const pds = await PDS.fromEnv(env);
  try {
    // PDS.start() binds every interface; this is the same sequence bound to loopback only.
    await pds.ctx.sequencer.start();
    const server = await listenLocal(pds.app as unknown as Listenable, port);
    const stop = async (): Promise<void> => {
      await server.close();
      await pds.ctx.destroy();
    };
    return { url: pds.ctx.cfg.service.publicUrl, port, adminPassword, jwtSecret: env.jwtSecret ?? '', rotationKey, pds, stop };
  } catch (err) {
    await pds.ctx.destroy().catch(() => undefined);
    throw err;
  }
}

async function pdsEnvironment(
  opts: PdsOptions,
  port: number,
  dir: string,
  adminPassword: string,
  rotationKey: Secp256k1Keypair,
): Promise<ServerEnvironment> {
  return {
    // devMode lets the PDS talk plain http to the local PLC (and AppView) and validates its own
    // responses against the lexicons, which catches protocol mistakes early.
    devMode: true,
    disableSsrfProtection: true,
    // "localhost" is the PDS's dev hostname: it makes the public URL http://localhost:<port>.
    hostname: 'localhost',
    port,
    serviceName: 'BotSky devnet',
    dataDirectory: dir,
    blobstoreDiskLocation: join(dir, 'blobs'),
    blobstoreDiskTmpLocation: join(dir, 'blobs-tmp'),
    didPlcUrl: opts.plcUrl,
    serviceHandleDomains: [HANDLE_DOMAIN],
    inviteRequired: false,
    // The simulated population logs in and creates accounts far faster than the production limits
    // allow; BotSky's bot-runner enforces Bluesky's write budgets itself, so the PDS need not.
    rateLimitsEnabled: false,
    crawlers: [],
    jwtSecret: randomBytes(32).toString('hex'),
    adminPassword,
    plcRotationKeyK256PrivateKeyHex: Buffer.from(await rotationKey.export()).toString('hex'),
    ...(opts.appView ? { bskyAppViewUrl: opts.appView.url, bskyAppViewDid: opts.appView.did } : {}),
  };
}
