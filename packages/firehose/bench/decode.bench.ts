// Replays the recorded firehose (fixtures/, captured from a local PDS by
// scripts/record-fixtures.ts) through this package's decoder and through @atproto/sync's own
// Firehose consumer, in the same run, without and with signature checks.
//
// An event is one subscribeRepos message (a frame with its own seq), as the relay counts them.
// The decoder is timed on frames already in memory; the reference is timed over a WebSocket on
// 127.0.0.1, its real consumer path, so the same replay is also timed through a bare `ws` client
// feeding decodeFrame, to show the transport's share.
//
// Usage: node packages/firehose/bench/decode.bench.ts [--quick]
import { fileURLToPath } from 'node:url';
import { decodeFrame, decodeFrameVerified, secp256k1Backend } from '../src/index.ts';
import { fixtureKeyCache, loadFrames, loadKeys } from '../test/fixture.ts';
import { sentinelFrame, startReplay, timeReference, timeWsDecoder } from './replay.ts';
import type { BenchResult } from '@botsky/bench';

function rate(name: string, events: number, seconds: number): BenchResult {
  return { name, value: Math.round(events / seconds), unit: 'events/s', higherIsBetter: true };
}

/** Decodes every frame `rounds` times after one untimed round; returns the seconds timed. */
function timePlain(frames: readonly Uint8Array[], rounds: number): number {
  for (const f of frames) decodeFrame(f);
  const started = performance.now();
  for (let r = 0; r < rounds; r++) for (const f of frames) decodeFrame(f);
  return (performance.now() - started) / 1000;
}

async function timeVerified(frames: readonly Uint8Array[], rounds: number): Promise<number> {
  const keys = fixtureKeyCache();
  for (const f of frames) await decodeFrameVerified(f, { keys });
  const started = performance.now();
  for (let r = 0; r < rounds; r++) for (const f of frames) await decodeFrameVerified(f, { keys });
  return (performance.now() - started) / 1000;
}

function lastSeq(frames: readonly Uint8Array[]): number {
  let seq = 0;
  for (const f of frames) {
    const r = decodeFrame(f);
    if (r.ok && r.seq !== null) seq = Math.max(seq, r.seq);
  }
  return seq;
}

export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const all = loadFrames();
  const keys = loadKeys();
  // The reference with signature checks manages a few hundred events a second: a slice will do.
  const frames = opts.quick ? all.slice(0, 600) : all;
  const slow = opts.quick ? all.slice(0, 300) : all.slice(0, 1200);
  const results = [
    rate('firehose.decode', frames.length * (opts.quick ? 5 : 20), timePlain(frames, opts.quick ? 5 : 20)),
    rate('firehose.decode_verified', frames.length * (opts.quick ? 1 : 3), await timeVerified(frames, opts.quick ? 1 : 3)),
  ];
  console.log(`  (secp256k1 signatures checked by ${secp256k1Backend})`);
  const seq = lastSeq(all) + 1;
  const sentinel = sentinelFrame(seq, Object.keys(keys)[0]!);
  for (const [set, verify] of [
    [frames, false],
    [slow, true],
  ] as const) {
    const server = await startReplay(set, sentinel);
    try {
      if (!verify) results.push(rate('firehose.decode_over_ws', set.length, await timeWsDecoder(server, seq)));
      const name = verify ? 'firehose.atproto_sync_verified' : 'firehose.atproto_sync';
      results.push(rate(name, set.length, await timeReference(server, keys, verify, seq)));
    } finally {
      await server.close();
    }
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  for (const r of await run({ quick })) console.log(`${r.name.padEnd(44)} ${String(r.value).padStart(9)} ${r.unit}`);
}
