// Decoding alone, on the recorded frames in memory: this package's decoding layer against
// @atcute/cbor + @atcute/car and against @ipld/dag-cbor + @ipld/car, each driven to the same output
// (bench/decoders/common.ts: per frame its type and seq, per #commit the kept ops with path, record
// CID as text and the decoded record), without and with signature checks (the same key cache and
// src/keys.ts on every side). Before timing, every decoder's output for every frame is checked
// equal to BotSky's. An event is one frame.
//
// Issue 12's rule: a hand-written decoder stays only while it is at least 3x faster than the best
// library on decoding without signatures (`firehose.decode.botsky_vs_best`). BotSky's own CBOR,
// CAR and CID code measured 1.09x-1.16x of @atcute on 2026-12-07 (bench/baseline.json) and was
// replaced by it; `botsky` is now @atcute behind the package's types, so the ratio says what that
// adapter costs.
//
// Usage: node packages/firehose/bench/decoders.bench.ts [--quick]
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { CidLinkWrapper, BytesWrapper } from '@atcute/cbor';
import { CID } from 'multiformats/cid';
import { CidLink } from '../src/cid.ts';
import { secp256k1Backend } from '../src/index.ts';
import { fixtureKeyCache, loadFrames } from '../test/fixture.ts';
import { atcute } from './decoders/atcute.ts';
import { botsky } from './decoders/botsky.ts';
import type { Decoder, FrameRecords } from './decoders/common.ts';
import { ipld } from './decoders/ipld.ts';
import type { BenchResult } from '@botsky/bench';

const DECODERS: Decoder[] = [botsky, atcute, ipld];
const RULE = 3;

/** Links and byte strings in each library's own types, as one plain form to compare. */
function plain(v: unknown): unknown {
  if (v instanceof CidLink) return { $link: v.toString() };
  if (v instanceof CidLinkWrapper) return { $link: v.$link };
  const cid = CID.asCID(v);
  if (cid) return { $link: cid.toString() };
  if (v instanceof BytesWrapper) return { $bytes: Buffer.from(v.buf).toString('base64') };
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString('base64') };
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

async function checkSameOutput(frames: readonly Uint8Array[]): Promise<number> {
  const keys = fixtureKeyCache();
  let records = 0;
  for (const frame of frames) {
    const want = plain(botsky.decode(frame)) as FrameRecords;
    records += want.ops.length;
    assert.deepEqual(plain(await botsky.decodeVerified(frame, keys)), want, 'botsky verified');
    for (const d of DECODERS.slice(1)) {
      assert.deepEqual(plain(d.decode(frame)), want, `${d.name} seq ${want.seq}`);
      assert.deepEqual(plain(await d.decodeVerified(frame, keys)), want, `${d.name} verified seq ${want.seq}`);
    }
  }
  return records;
}

function timePlain(d: Decoder, frames: readonly Uint8Array[], rounds: number): number {
  const started = performance.now();
  for (let r = 0; r < rounds; r++) for (const f of frames) d.decode(f);
  return (frames.length * rounds) / ((performance.now() - started) / 1000);
}

async function timeVerified(d: Decoder, frames: readonly Uint8Array[], rounds: number): Promise<number> {
  const keys = fixtureKeyCache();
  for (const f of frames) await d.decodeVerified(f, keys); // fills the key cache
  const started = performance.now();
  for (let r = 0; r < rounds; r++) for (const f of frames) await d.decodeVerified(f, keys);
  return (frames.length * rounds) / ((performance.now() - started) / 1000);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** Trials interleaved across decoders, so drift in the machine's load falls on all of them. */
async function measure(frames: readonly Uint8Array[], quick: boolean): Promise<Map<string, { plain: number; verified: number }>> {
  const trials = quick ? 3 : 7;
  const rates = new Map(DECODERS.map((d) => [d.name, { plain: [] as number[], verified: [] as number[] }]));
  for (const d of DECODERS) timePlain(d, frames, 2); // warm-up
  for (let t = 0; t < trials; t++) {
    for (const d of DECODERS) rates.get(d.name)!.plain.push(timePlain(d, frames, quick ? 2 : 8));
    for (const d of DECODERS) rates.get(d.name)!.verified.push(await timeVerified(d, frames, 1));
  }
  return new Map([...rates].map(([name, r]) => [name, { plain: median(r.plain), verified: median(r.verified) }]));
}

export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const frames = loadFrames();
  const records = await checkSameOutput(frames);
  const rates = await measure(frames, opts.quick);
  const results: BenchResult[] = [];
  const rate = (name: string, value: number) => results.push({ name, value: Math.round(value), unit: 'events/s', higherIsBetter: true });
  for (const [name, r] of rates) {
    rate(`firehose.decode.${name}`, r.plain);
    rate(`firehose.decode.${name}_verified`, r.verified);
  }
  const ours = rates.get('botsky')!;
  const libs = [...rates].filter(([name]) => name !== 'botsky');
  const best = (k: 'plain' | 'verified') => libs.reduce((a, b) => (b[1][k] > a[1][k] ? b : a));
  const [bestPlain, bestVerified] = [best('plain'), best('verified')];
  const ratio = (name: string, value: number) =>
    results.push({ name, value: Math.round(value * 100) / 100, unit: 'x', higherIsBetter: true });
  ratio('firehose.decode.botsky_vs_best', ours.plain / bestPlain[1].plain);
  ratio('firehose.decode.botsky_vs_best_verified', ours.verified / bestVerified[1].verified);
  const rounds = opts.quick ? '2 rounds x 3 trials' : '8 rounds x 7 trials';
  console.log(
    `  (${frames.length} recorded frames, ${rounds}, median; ${records} kept records, outputs equal across decoders; Node ${process.version}; secp256k1 by ${secp256k1Backend})`,
  );
  console.log(
    `  botsky / best library: ${(ours.plain / bestPlain[1].plain).toFixed(2)}x of ${bestPlain[0]} without signatures, ${(ours.verified / bestVerified[1].verified).toFixed(2)}x of ${bestVerified[0]} with`,
  );
  const verdict =
    ours.plain >= RULE * bestPlain[1].plain
      ? 'would earn a hand-written decoder its place'
      : `is under ${RULE}x: decoding stays with the library`;
  console.log(`  rule (a hand-written decoder must be >= ${RULE}x the best library without signatures): ${verdict}`);
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  for (const r of await run({ quick })) console.log(`${r.name.padEnd(44)} ${String(r.value).padStart(9)} ${r.unit}`);
}
