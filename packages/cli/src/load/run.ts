// One load test: the devnet, ingest on the bus, the population set up (accounts, profiles,
// follows), M simulated minutes of activity as fast as the PDS takes it, then ingest's catch-up
// and the exactly-once check. PDS errors are counted and the run goes on.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDevnet } from '@botsky/devnet';
import { generatePopulation } from '@botsky/population';
import { pdsAccountFactory, Simulation, type AccountFactory } from '@botsky/population/driver';
import type { LoadOptions } from './options.ts';
import { startPipeline } from './pipeline.ts';
import { Tally } from './tally.ts';
import { figuresOf, type LoadFigures, type Phases } from './report.ts';

export interface LoadIo {
  env: Readonly<Record<string, string | undefined>>;
  out(line: string): void;
  err(line: string): void;
}

const SETUP_ATTEMPTS = 5;
/** The catch-up ends when every written record arrived, or when nothing arrived for this long. */
const QUIET_MS = 30_000;

export async function runLoad(o: LoadOptions, io: LoadIo): Promise<LoadFigures> {
  const t0 = performance.now();
  const since = () => (performance.now() - t0) / 1000;
  const net = await startDevnet({ dataDir: join(o.dataRoot, `botsky-load-${randomUUID().slice(0, 8)}`) });
  // Ctrl-C mid-run: the PDS data (on tmpfs, i.e. memory, a GB or two at 10,000 people) goes too.
  const onSignal = (signal: NodeJS.Signals): void => {
    rmSync(net.dataDir, { recursive: true, force: true });
    io.err(`botsky load: ${signal}; stopped, PDS data removed`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  const tally = new Tally();
  const phases: Phases = { setupS: 0, accountsS: 0, accountsMade: 0, runS: 0, catchUpS: 0, setupFailures: 0, errorSamples: [] };
  let phase = 'setup';
  let setupStart = 0;
  try {
    const project = await net.createAccount({ handle: 'botsky', password: randomUUID() });
    const pipeline = await startPipeline({ busUrl: o.busUrl, firehoseUrl: net.firehoseUrl, plcUrl: net.plcUrl, tally, env: io.env });
    const base = pdsAccountFactory(net.pdsUrl);
    const accounts: AccountFactory = async (req) => {
      const account = await base(req);
      phases.accountsMade++;
      phases.accountsS = since() - setupStart;
      return account;
    };
    const sim = new Simulation({
      pdsUrl: net.pdsUrl,
      people: generatePopulation({ size: o.users, seed: o.seed }),
      seed: o.seed,
      projectDid: project.did,
      botQuality: new Map(),
      accounts,
      setupConcurrency: o.setupConcurrency,
      onWritten: (records) => tally.recordWritten(records),
      onError: (err) => {
        if (phases.errorSamples.length < 5)
          phases.errorSamples.push(`${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}`);
      },
    });
    const timer = setInterval(() => io.out(progress(since(), phase, o, sim, tally, phases)), o.progressMs);
    setupStart = since();
    try {
      for (let attempt = 1; attempt <= SETUP_ATTEMPTS; attempt++) {
        try {
          await sim.setup();
          break;
        } catch (err) {
          phases.setupFailures++;
          io.err(
            `botsky load: set-up attempt ${attempt}: ${err instanceof Error ? err.message : String(err)}${attempt < SETUP_ATTEMPTS ? '; resuming' : '; going on with the accounts made'}`,
          );
        }
      }
      phases.setupS = since() - setupStart;
      io.out(`botsky load: ${sim.stats.accounts} people set up in ${phases.setupS.toFixed(1)} s; running ${o.minutes} simulated minutes`);
      phase = 'run';
      const runStart = since();
      while (sim.simMinute < o.minutes) await sim.tick(Math.min(o.tickMinutes, o.minutes - sim.simMinute));
      phases.runS = since() - runStart;
      phase = 'catch-up';
      const catchStart = since();
      await catchUp(tally, pipeline.backlog);
      phases.catchUpS = since() - catchStart;
    } finally {
      clearInterval(timer);
      await sim.close();
      await pipeline.stop();
    }
    io.out(progress(since(), 'done', o, sim, tally, phases));
    return figuresOf(o, sim.stats, tally, phases, since());
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    await net.stop();
  }
}

async function catchUp(tally: Tally, backlog: () => number): Promise<void> {
  let events = tally.events;
  let quietSince = performance.now();
  while (tally.pending() > 0 || backlog() > 0) {
    await sleep(200);
    if (tally.events !== events) {
      events = tally.events;
      quietSince = performance.now();
    } else if (performance.now() - quietSince > QUIET_MS) {
      return;
    }
  }
  // Anything published twice would land by now.
  await sleep(1000);
}

function progress(s: number, phase: string, o: LoadOptions, sim: Simulation, tally: Tally, p: Phases): string {
  const rssMb = Math.round(process.memoryUsage.rss() / 2 ** 20);
  const rate = p.accountsS > 0 ? (p.accountsMade / p.accountsS).toFixed(1) : '0';
  return [
    `[${String(Math.round(s)).padStart(5)} s] ${phase.padEnd(8)}`,
    `accounts ${p.accountsMade}/${o.users} (${rate}/s)`,
    `sim minute ${sim.simMinute}/${o.minutes}`,
    `records ${sim.stats.setupWrites + sim.stats.writes}`,
    `events ${tally.events}`,
    `unseen ${tally.pending()}`,
    `errors ${sim.stats.errors + p.setupFailures}`,
    `rss ${rssMb} MB`,
  ].join('  ');
}
