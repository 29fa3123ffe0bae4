// The demo's local network: the devnet (PDS + PLC), the project account, the built-in offline bots
// with their planted qualities, and the bot registry bot-runner reads (passwords by env reference).
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { OFFLINE_STYLE_NAMES } from '@botsky/bot-runner';
import { startDevnet, type Devnet } from '@botsky/devnet';
import { plantQualities } from '@botsky/population';
import type { ExternalBotSpec, ExternalProvider } from './external-bots.ts';

const SECRET_NAME = 'demo-bots';

export interface DemoBot {
  id: string;
  handle: string;
  did: string;
  style: string;
  /** Planted quality (0..1): how much simulated people like this bot's replies. */
  quality: number;
  password: string;
  /** A builder's own bot (`--bot`): no planted quality (people treat it as middling, `quality` 0.5). */
  external?: ExternalProvider;
}

/** The quality simulated people give a builder's bot: the middle of the planted range. */
export const EXTERNAL_QUALITY = 0.5;

export interface DemoNetwork {
  devnet: Devnet;
  projectDid: string;
  bots: DemoBot[];
  registryFile: string;
  /** BOTSKY_SECRETS_DIR for bot-runner: the bots' passwords as `<dir>/demo-bots/<id>` files. */
  secretsDir: string;
}

/**
 * What points the services at this network: ingest at the PDS's firehose, identities at its PLC
 * (handles at its PDS), bot-runner at its PDS and the bot registry, the matchmaker at the project
 * account.
 */
export function networkEnv(net: DemoNetwork): Record<string, string> {
  return {
    BOTSKY_INGEST_SOURCE: 'firehose',
    BOTSKY_INGEST_URL: net.devnet.firehoseUrl,
    BOTSKY_PLC_URL: net.devnet.plcUrl,
    // The devnet's handles (*.test) exist only on its PDS, never in DNS: it resolves them.
    BOTSKY_HANDLE_RESOLVER_URL: net.devnet.pdsUrl,
    BOTSKY_PDS_URL: net.devnet.pdsUrl,
    BOTSKY_BOTS_FILE: net.registryFile,
    BOTSKY_SECRETS_DIR: net.secretsDir,
    BOTSKY_PROJECT_DID: net.projectDid,
  };
}

function botIdOf(i: number): { id: string; style: string } {
  const style = OFFLINE_STYLE_NAMES[i % OFFLINE_STYLE_NAMES.length] as string;
  const round = Math.floor(i / OFFLINE_STYLE_NAMES.length);
  return { id: round === 0 ? style : `${style}-${round + 1}`, style };
}

export async function startDemoNetwork(o: {
  bots: number;
  seed: number;
  dataDir: string;
  external?: readonly ExternalBotSpec[];
}): Promise<DemoNetwork> {
  const devnet = await startDevnet();
  try {
    const project = await devnet.createAccount({ handle: 'botsky', password: 'demo-project' });
    const ids = Array.from({ length: o.bots }, (_, i) => botIdOf(i));
    const qualities = plantQualities(ids.length, o.seed);
    const bots: DemoBot[] = [];
    for (const [i, { id, style }] of ids.entries()) {
      const password = `demo-bot-${id}`;
      const account = await devnet.createAccount({ handle: id, password });
      bots.push({ id, handle: account.handle, did: account.did, style, quality: qualities[i] as number, password });
    }
    for (const e of o.external ?? []) {
      const password = `demo-bot-${e.id}`;
      const account = await devnet.createAccount({ handle: e.id, password });
      bots.push({
        id: e.id,
        handle: account.handle,
        did: account.did,
        style: e.provider.kind,
        quality: EXTERNAL_QUALITY,
        password,
        external: e.provider,
      });
    }
    // Secrets as files under the data folder, the way a mounted Kubernetes Secret provides them,
    // so a finished run's registry can be reused as it is.
    const secretsDir = join(o.dataDir, 'secrets');
    await mkdir(join(secretsDir, SECRET_NAME), { recursive: true });
    for (const b of bots) await writeFile(join(secretsDir, SECRET_NAME, b.id), b.password, { mode: 0o600 });
    const registryFile = join(o.dataDir, 'bots.json');
    await writeFile(registryFile, `${JSON.stringify({ bots: bots.map(registryEntry) }, null, 2)}\n`);
    return { devnet, projectDid: project.did, bots, registryFile, secretsDir };
  } catch (err) {
    await devnet.stop();
    throw err;
  }
}

function registryEntry(b: DemoBot) {
  return {
    id: b.id,
    handle: b.handle,
    appPassword: { secretRef: { name: SECRET_NAME, key: b.id } },
    provider: b.external ?? { kind: 'offline', style: b.style },
    systemPrompt: b.external
      ? `You are ${b.id}, a bot on Bluesky: answer the post warmly and briefly, and introduce the person named when there is one.`
      : `You are ${b.id}, a built-in BotSky demo bot with the ${b.style} manner.`,
  };
}

/** A free loopback port: the feed's must be known before it starts, so the population can read it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
