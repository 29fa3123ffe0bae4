// Figures for the simulated population on the devnet PDS: how fast it sets up (accounts are the
// slow part: a password hash and a PLC operation each) and how many records a running population
// writes per second with its per-person applyWrites batches.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startDevnet } from '@botsky/devnet';
import { generatePopulation } from '../src/index.ts';
import { Simulation } from '../src/driver/index.ts';
import type { BenchResult } from '@botsky/bench';

export async function run({ quick }: { quick: boolean }): Promise<BenchResult[]> {
  const size = quick ? 20 : 200;
  const net = await startDevnet(existsSync('/dev/shm') ? { dataDir: join('/dev/shm', `population-bench-${randomUUID()}`) } : {});
  let errors = 0;
  const project = await net.createAccount({ handle: 'botsky', password: 'pw' });
  const sim = new Simulation({
    pdsUrl: net.pdsUrl,
    people: generatePopulation({ size, seed: 1 }),
    seed: 1,
    projectDid: project.did,
    botQuality: new Map(),
    onError: () => errors++,
  });
  try {
    const setup = await sim.setup();
    const startedAt = performance.now();
    // Thirty-minute ticks: each person's posts of the half hour go in one applyWrites.
    for (let i = 0; i < (quick ? 4 : 12); i++) await sim.tick(30);
    const seconds = (performance.now() - startedAt) / 1000;
    if (errors > 0) throw new Error(`population bench: ${errors} errors`);
    return [
      { name: 'population.setup', value: setup.accountsPerSecond, unit: 'accounts/s', higherIsBetter: true },
      { name: 'population.actions', value: sim.stats.writes / seconds, unit: 'writes/s', higherIsBetter: true },
    ];
  } finally {
    await sim.close();
    await net.stop();
  }
}

if (import.meta.main) console.log(await run({ quick: process.argv.includes('--quick') }));
