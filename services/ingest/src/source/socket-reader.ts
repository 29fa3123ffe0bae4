// Keeps one WebSocket to the source open: reconnects with exponential backoff (and jitter) when
// it drops, asking for the events after the last one read, and pauses the socket when told, so
// TCP flow control slows the source down instead of frames piling up in memory. A connection
// that goes silent is dropped and reconnected like one that closed (heartbeat.ts).
import { backoffDelay } from '@botsky/async';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@botsky/kit';
import { WebSocket, type RawData } from 'ws';
import { watchSilence } from './heartbeat.ts';

export interface SocketReaderOptions {
  /** The URL to (re)connect to; asked again before every attempt. */
  connectUrl: () => string;
  onMessage: (data: Uint8Array) => void;
  /** Called before every attempt after the first. */
  onReconnect?: () => void;
  onOpen?: () => void;
  /** Called when an open connection ends, however it ended. */
  onClose?: () => void;
  /** Called when a connection is dropped for being silent for idleTimeoutMs. */
  onSilent?: () => void;
  /** No message and no pong for this long: the connection is dropped. Default 30 s. */
  idleTimeoutMs?: number;
  logger: Logger;
  /** ws refuses (and closes on) messages above this; keep it well above the decoder's limit. */
  maxPayload: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
}

export class SocketReader {
  readonly #opts: SocketReaderOptions;
  readonly #stop = new AbortController();
  #ws: WebSocket | undefined;
  #paused = false;
  #loop: Promise<void> | undefined;
  #opened = Promise.withResolvers<void>();

  constructor(opts: SocketReaderOptions) {
    this.#opts = opts;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  pause(): void {
    this.#paused = true;
    this.#ws?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#ws?.resume();
  }

  /** Resolves once a connection is open (the first one, or the current one). */
  whenOpen(): Promise<void> {
    return this.#opened.promise;
  }

  get paused(): boolean {
    return this.#paused;
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#ws?.terminate();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const min = this.#opts.backoffMinMs ?? 250;
    const max = this.#opts.backoffMaxMs ?? 30_000;
    let failures = 0;
    for (let first = true; !this.#stop.signal.aborted; first = false) {
      if (!first) this.#opts.onReconnect?.();
      const gotMessages = await this.#connectOnce();
      if (this.#stop.signal.aborted) break;
      // A connection that delivered something was healthy: start the backoff over.
      failures = gotMessages ? 0 : failures + 1;
      const delay = backoffDelay(failures + 1, { initialMs: min, maxMs: max });
      await sleep(delay, undefined, { signal: this.#stop.signal }).catch(() => undefined);
    }
  }

  #silent(ws: WebSocket, url: string, silentMs: number): void {
    this.#opts.logger.warn({ url, silentMs }, 'source silent: no message and no pong; dropping the connection');
    this.#opts.onSilent?.();
    ws.terminate();
  }

  /** One connection, until it closes; resolves whether any message arrived. */
  #connectOnce(): Promise<boolean> {
    const url = this.#opts.connectUrl();
    const log = this.#opts.logger;
    return new Promise((resolve) => {
      let got = false;
      let unwatch: (() => void) | undefined;
      const ws = new WebSocket(url, { maxPayload: this.#opts.maxPayload, handshakeTimeout: 10_000 });
      this.#ws = ws;
      ws.on('open', () => {
        log.info({ url }, 'source connected');
        this.#opts.onOpen?.();
        this.#opened.resolve();
        if (this.#paused) ws.pause();
        unwatch = watchSilence(ws, {
          timeoutMs: this.#opts.idleTimeoutMs ?? 30_000,
          paused: () => this.#paused,
          onSilent: (ms) => this.#silent(ws, url, ms),
        });
      });
      ws.on('message', (data: RawData) => {
        got = true;
        this.#opts.onMessage(toBytes(data));
      });
      ws.on('error', (err) => log.warn({ err, url }, 'source connection error'));
      ws.on('close', (code, reason) => {
        if (!this.#stop.signal.aborted) log.warn({ code, reason: reason.toString(), url }, 'source connection closed; reconnecting');
        unwatch?.();
        if (unwatch) this.#opts.onClose?.();
        this.#ws = undefined;
        this.#opened = Promise.withResolvers<void>();
        resolve(got);
      });
    });
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
