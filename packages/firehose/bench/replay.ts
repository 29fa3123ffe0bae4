// Bench helper: replays recorded frames over a real WebSocket on 127.0.0.1, as a relay would, and
// times consumers reading them: @atproto/sync's Firehose (the reference) and this package's
// decoder behind a plain `ws` client.
import { Worker } from 'node:worker_threads';
import type { IdResolver } from '@atproto/identity';
import { encode } from '@atproto/lex-cbor';
import { Firehose } from '@atproto/sync';
import { WebSocket } from 'ws';
import { COLLECTIONS, decodeFrame } from '../src/index.ts';

export interface ReplayServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `frames` on every subscribeRepos connection, then a sentinel #identity frame. */
export async function startReplay(frames: readonly Uint8Array[], sentinel: Uint8Array): Promise<ReplayServer> {
  const worker = new Worker(new URL('./replay-worker.ts', import.meta.url), { workerData: { frames, sentinel } });
  const port = await new Promise<number>((ok, fail) => {
    worker.once('message', ok);
    worker.once('error', fail);
  });
  return {
    url: `ws://127.0.0.1:${port}`,
    close: async () => {
      await worker.terminate();
    },
  };
}

/** A valid #identity frame with a seq past the recording: seeing it means everything before was handled. */
export function sentinelFrame(seq: number, did: string): Uint8Array {
  const header = encode({ op: 1, t: '#identity' } as never);
  const body = encode({ seq, did, time: new Date().toISOString() } as never);
  return new Uint8Array(Buffer.concat([header, body]));
}

/** An identity resolver that answers from memory, so neither consumer waits on the network. */
export function memoryIdResolver(keys: Record<string, string>): IdResolver {
  const doc = (did: string) => ({
    id: did,
    alsoKnownAs: [],
    verificationMethod: [
      { id: `${did}#atproto`, type: 'Multikey', controller: did, publicKeyMultibase: keys[did]?.slice('did:key:'.length) },
    ],
    service: [],
  });
  const did = {
    resolve: async (d: string) => doc(d),
    resolveAtprotoKey: async (d: string) => {
      const key = keys[d];
      if (!key) throw new Error(`no key for ${d}`);
      return key;
    },
  };
  return { did, handle: { resolve: async () => undefined } } as unknown as IdResolver;
}

/** Runs @atproto/sync's Firehose over the replay until the sentinel; returns the seconds it took. */
export async function timeReference(
  server: ReplayServer,
  keys: Record<string, string>,
  verify: boolean,
  sentinelSeq: number,
): Promise<number> {
  let errors = 0;
  let done!: () => void;
  const finished = new Promise<void>((ok) => (done = ok));
  const firehose = new Firehose({
    service: server.url,
    idResolver: memoryIdResolver(keys),
    unauthenticatedCommits: !verify,
    unauthenticatedHandles: true,
    // Configured for the same job as this package: only the collections BotSky keeps.
    filterCollections: [...COLLECTIONS],
    handleEvent: (evt) => {
      if (evt.seq === sentinelSeq) done();
    },
    onError: () => void errors++,
  });
  const started = performance.now();
  const running = firehose.start();
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await firehose.destroy();
  await running;
  if (errors > 0) throw new Error(`the reference consumer reported ${errors} errors`);
  return seconds;
}

/** The same replay read by a bare `ws` client calling decodeFrame: the transport cost included. */
export async function timeWsDecoder(server: ReplayServer, sentinelSeq: number): Promise<number> {
  const ws = new WebSocket(`${server.url}/xrpc/com.atproto.sync.subscribeRepos`);
  ws.binaryType = 'nodebuffer';
  const started = performance.now();
  await new Promise<void>((ok, fail) => {
    ws.on('message', (data: Buffer) => {
      const r = decodeFrame(data);
      if (r.ok && r.seq === sentinelSeq) ok();
    });
    ws.once('error', fail);
  });
  const seconds = (performance.now() - started) / 1000;
  ws.terminate();
  return seconds;
}
