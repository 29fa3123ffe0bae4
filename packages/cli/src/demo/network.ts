// The demo's local network: the devnet (PDS + PLC), the project account, the built-in offline bots
// with their planted qualities, and the bot registry bot-runner reads (passwords by env reference).
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startDevnet, type Devnet } from '@botsky/devnet';
import { seededRandom } from '@botsky/ratings';

/** The offline bot styles bot-runner ships (services/bot-runner/src/providers/offline.ts). */
export const DEMO_STYLES = ['enthusiast', 'sage', 'terse', 'rambler', 'connector'] as const;

const SECRET_NAME = 'demo-bots';

export interface DemoBot {
  id: string;
  handle: string;
  did: string;
  style: string;
  /** Planted quality (0..1): how much simulated people like this bot's replies. */
  quality: number;
  password: string;
}

export interface DemoNetwork {
  devnet: Devnet;
  projectDid: string;
  bots: DemoBot[];
  registryFile: string;
  /** BOTSKY_SECRETS_DIR for bot-runner: the bots' passwords as `<dir>/demo-bots/<id>` files. */
  secretsDir: string;
}

/**
 * What points the services at this network: ingest at the PDS's firehose, identities at its PLC,
 * bot-runner at its PDS and the bot registry, the matchmaker at the project account.
 */
export function networkEnv(net: DemoNetwork): Record<string, string> {
  return {
    BOTSKY_INGEST_SOURCE: 'firehose',
    BOTSKY_INGEST_URL: net.devnet.firehoseUrl,
    BOTSKY_PLC_URL: net.devnet.plcUrl,
    BOTSKY_PDS_URL: net.devnet.pdsUrl,
    BOTSKY_BOTS_FILE: net.registryFile,
    BOTSKY_SECRETS_DIR: net.secretsDir,
    BOTSKY_PROJECT_DID: net.projectDid,
  };
}

/**
 * How well each style's replies land with the simulated people, worst first (measured: likes and
 * replies per impression at equal planted quality). Planted qualities follow this order, so the
 * text and the planted quality agree and the leaderboard can recover the order.
 */
const STYLE_APPEAL: readonly string[] = ['terse', 'rambler', 'sage', 'enthusiast', 'connector'];

/**
 * Qualities spread evenly over 0.2..0.8. The first five bots (one per style) get them in the
 * styles' order of appeal; further bots repeat styles, so their qualities are drawn in a seeded order.
 */
export function plantQualities(styles: readonly string[], seed: number): number[] {
  const n = styles.length;
  const levels = Array.from({ length: n }, (_, i) => (n === 1 ? 0.5 : 0.2 + (0.6 * i) / (n - 1)));
  const rand = seededRandom(seed);
  for (let i = levels.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [levels[i], levels[j]] = [levels[j] as number, levels[i] as number];
  }
  const first = styles.slice(0, DEMO_STYLES.length);
  const byAppeal = [...first.keys()].sort((a, b) => STYLE_APPEAL.indexOf(first[a] as string) - STYLE_APPEAL.indexOf(first[b] as string));
  const firstLevels = levels.slice(0, first.length).sort((a, b) => a - b);
  byAppeal.forEach((botIndex, rank) => (levels[botIndex] = firstLevels[rank] as number));
  return levels.map((q) => Math.round(q * 1000) / 1000);
}

function botIdOf(i: number): { id: string; style: string } {
  const style = DEMO_STYLES[i % DEMO_STYLES.length] as string;
  const round = Math.floor(i / DEMO_STYLES.length);
  return { id: round === 0 ? style : `${style}-${round + 1}`, style };
}

export async function startDemoNetwork(o: { bots: number; seed: number; dataDir: string }): Promise<DemoNetwork> {
  const devnet = await startDevnet();
  try {
    const project = await devnet.createAccount({ handle: 'botsky', password: 'demo-project' });
    const ids = Array.from({ length: o.bots }, (_, i) => botIdOf(i));
    const qualities = plantQualities(ids.map((b) => b.style), o.seed);
    const bots: DemoBot[] = [];
    for (const [i, { id, style }] of ids.entries()) {
      const password = `demo-bot-${id}`;
      const account = await devnet.createAccount({ handle: id, password });
      bots.push({ id, handle: account.handle, did: account.did, style, quality: qualities[i] as number, password });
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
    id: b.id, handle: b.handle, appPassword: { secretRef: { name: SECRET_NAME, key: b.id } }, provider: { kind: 'offline', style: b.style },
    systemPrompt: `You are ${b.id}, a built-in BotSky demo bot with the ${b.style} manner.`,
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
