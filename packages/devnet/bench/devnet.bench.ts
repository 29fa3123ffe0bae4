// Figures for the devnet: how fast it starts and how many writes the reference PDS takes, which
// bounds the simulated population's posting rate on one machine.
import { mapBounded } from '@botsky/async';
import { startDevnet, type DevnetAccount } from '../src/index.ts';
import type { BenchResult } from '@botsky/bench';

const BATCH = 100;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const startedAt = performance.now();
  await fn();
  return performance.now() - startedAt;
}

function post(account: DevnetAccount, text: string): Promise<unknown> {
  return account.agent.post({ text, createdAt: new Date().toISOString() });
}

async function applyBatches(account: DevnetAccount, batches: number): Promise<void> {
  for (let b = 0; b < batches; b++) {
    const createdAt = new Date().toISOString();
    const writes = Array.from({ length: BATCH }, (_, i) => ({
      $type: 'com.atproto.repo.applyWrites#create' as const,
      collection: 'app.bsky.feed.post',
      value: { $type: 'app.bsky.feed.post', text: `batch ${b}.${i}`, createdAt },
    }));
    await account.agent.com.atproto.repo.applyWrites({ repo: account.did, writes });
  }
}

export async function run({ quick }: { quick: boolean }): Promise<BenchResult[]> {
  const writes = quick ? 100 : 400;
  let net = await startDevnet();
  await net.stop();
  // The first start pays for lazy module work; the second is what a test file sees.
  const startMs = await timed(async () => (net = await startDevnet()));
  try {
    const accountCount = quick ? 8 : 16;
    let accounts: DevnetAccount[] = [];
    const accountMs = await timed(async () => (accounts = await net.createAccounts(accountCount)));
    const [first] = accounts as [DevnetAccount];
    const sequentialMs = await timed(async () => {
      for (let i = 0; i < writes; i++) await post(first, `sequential ${i}`);
    });
    const parallelMs = await timed(() =>
      mapBounded(
        Array.from({ length: writes }, (_, i) => i),
        accounts.length,
        (i) => post(accounts[i % accounts.length] as DevnetAccount, `parallel ${i}`),
      ),
    );
    const batches = quick ? 2 : 8;
    const batchMs = await timed(() => applyBatches(first, batches));
    return [
      { name: 'devnet.start', value: startMs, unit: 'ms', higherIsBetter: false },
      { name: 'devnet.account_creates', value: (accountCount * 1000) / accountMs, unit: 'accounts/s', higherIsBetter: true },
      { name: 'devnet.writes_sequential', value: (writes * 1000) / sequentialMs, unit: 'writes/s', higherIsBetter: true },
      { name: 'devnet.writes_parallel', value: (writes * 1000) / parallelMs, unit: 'writes/s', higherIsBetter: true },
      { name: 'devnet.apply_writes_batch', value: (batches * BATCH * 1000) / batchMs, unit: 'records/s', higherIsBetter: true },
    ];
  } finally {
    await net.stop();
  }
}
