// The whole read → decode → publish → cursor loop for one source. Frames are handled one at a
// time in arrival order (the cursor needs that order); publishes overlap up to maxInFlight.
// When the bus falls behind, the inbound buffer fills and the socket is paused: nothing is
// dropped, the source waits.
import type { Bus } from '@botsky/bus';
import type { Logger } from '@botsky/kit';
import type { IngestMetrics } from '../metrics.ts';
import { SocketReader } from '../source/socket-reader.ts';
import type { SourceLink } from '../source/source-link.ts';
import type { Source } from '../source/source.ts';
import { CursorKeeper } from './cursor-keeper.ts';
import type { CursorStore } from './cursor-store.ts';
import type { FrameHandler } from './frame-handler.ts';
import { PublishQueue, type QueuedFrame } from './publish-queue.ts';
import { resumePoint } from './resume-point.ts';

export interface IngesterOptions {
  source: Source;
  bus: Bus;
  handleFrame: FrameHandler;
  cursors: CursorStore;
  metrics: IngestMetrics;
  logger: Logger;
  maxInFlight: number;
  maxPayload: number;
  /** Told when the source connects and disconnects (readiness, the connected gauge). */
  link: SourceLink;
  /** A silent connection is dropped after this long. */
  idleTimeoutMs: number;
  /** Where to start when no cursor of this source is saved (BOTSKY_INGEST_CURSOR). */
  startCursor?: number | undefined;
  saveEveryMs?: number;
  reconnectMinMs?: number;
}

// Frames read but not yet decoded; past this the socket is paused until it is half empty.
const INBOUND_HIGH = 1_000;

export class Ingester {
  readonly #o: IngesterOptions;
  readonly #queue: PublishQueue;
  readonly #reader: SocketReader;
  readonly #inbound: Uint8Array[] = [];
  #pumping: Promise<void> | undefined;
  readonly #keeper: CursorKeeper;
  #lastRead: number | undefined;
  #saveTimer: NodeJS.Timeout | undefined;
  #cursorTimeUs: number | undefined;

  constructor(o: IngesterOptions) {
    this.#o = o;
    this.#keeper = new CursorKeeper(o.cursors, o.metrics, o.logger);
    this.#queue = new PublishQueue({
      maxInFlight: o.maxInFlight,
      logger: o.logger,
      publish: async (e) => void (await o.bus.publish(e.subject, e.data, { msgId: e.msgId })),
      onPublished: (e) => o.metrics.events.inc({ kind: e.kind }),
      onRetry: () => o.metrics.publishRetries.inc(),
      onCursor: (seq, timeUs) => {
        o.metrics.cursor.set(seq);
        if (timeUs === null) return;
        this.#cursorTimeUs = timeUs;
        o.metrics.lag.set(Math.max(0, Date.now() / 1000 - timeUs / 1e6));
      },
    });
    this.#reader = new SocketReader({
      connectUrl: () => o.source.connectUrl(this.#lastRead),
      onMessage: (data) => this.#receive(data),
      onReconnect: () => o.metrics.reconnects.inc(),
      onOpen: () => o.link.opened(),
      onClose: () => o.link.closed(),
      onSilent: () => o.metrics.idleTimeouts.inc(),
      idleTimeoutMs: o.idleTimeoutMs,
      logger: o.logger,
      maxPayload: o.maxPayload,
      ...(o.reconnectMinMs === undefined ? {} : { backoffMinMs: o.reconnectMinMs }),
    });
  }

  /** The position up to which everything is published. */
  get cursor(): number | undefined {
    return this.#queue.cursor ?? this.#keeper.saved;
  }

  /** Frames read but not decoded, events not yet acked, and whether reading is paused. */
  backlog(): { inbound: number; inFlight: number; paused: boolean } {
    return { inbound: this.#inbound.length, inFlight: this.#queue.inFlight, paused: this.#reader.paused };
  }

  /** Resolves once the source's socket is open. */
  whenConnected(): Promise<void> {
    return this.#reader.whenOpen();
  }

  async start(): Promise<void> {
    const { cursors, source, startCursor, logger, metrics } = this.#o;
    const start = await resumePoint(cursors, source, startCursor, logger);
    if (start.saved && start.seq !== undefined) this.#keeper.resumed(start.seq, start.savedAt);
    this.#lastRead = start.seq;
    if (start.seq !== undefined) metrics.cursor.set(start.seq);
    this.#reader.start();
    this.#saveTimer = setInterval(() => {
      this.#refreshLag();
      void this.#save();
    }, this.#o.saveEveryMs ?? 1_000);
  }

  /** Stops reading, publishes what was read, and saves the cursor. */
  async drain(): Promise<void> {
    clearInterval(this.#saveTimer);
    await this.#reader.stop();
    await this.#pumping;
    await this.#queue.idle();
    await this.#save();
  }

  async stop(): Promise<void> {
    clearInterval(this.#saveTimer);
    this.#queue.stop();
    await this.#reader.stop();
    await this.#keeper.settled();
  }

  #receive(data: Uint8Array): void {
    this.#inbound.push(data);
    if (this.#inbound.length >= INBOUND_HIGH) this.#reader.pause();
    this.#pumping ??= this.#pump().finally(() => (this.#pumping = undefined));
  }

  async #pump(): Promise<void> {
    while (this.#inbound.length > 0) {
      await this.#queue.waitForRoom();
      const data = this.#inbound.shift() as Uint8Array;
      if (this.#reader.paused && this.#inbound.length < INBOUND_HIGH / 2) this.#reader.resume();
      const frame = await this.#handle(data);
      if (frame === undefined) continue;
      // After a reconnect the source may resend frames still waiting here; they were handled.
      if (frame.seq !== null && this.#lastRead !== undefined && frame.seq <= this.#lastRead) continue;
      if (frame.seq !== null) {
        if (this.#lastRead === undefined) this.#keeper.anchor(frame.seq);
        this.#lastRead = frame.seq;
      }
      this.#queue.push(frame);
    }
  }

  async #handle(data: Uint8Array): Promise<QueuedFrame | undefined> {
    try {
      return await this.#o.handleFrame(data);
    } catch (err) {
      // handleFrame turns every input problem into a counted rejection; reaching this is a bug,
      // and one frame is skipped rather than the process brought down by it.
      this.#o.logger.error({ err }, 'frame handler failed; frame skipped');
      return undefined;
    }
  }

  #save(): Promise<void> {
    return this.#keeper.save(() => this.#queue.cursor);
  }

  /**
   * The lag is measured when the cursor moves; while events wait (the bus is slow or down) it
   * does not move, so the lag is raised to the age of the event at the cursor meanwhile.
   */
  #refreshLag(): void {
    const waiting = this.#inbound.length > 0 || this.#queue.inFlight > 0;
    if (!waiting || this.#cursorTimeUs === undefined) return;
    this.#o.metrics.lag.set(Math.max(0, Date.now() / 1000 - this.#cursorTimeUs / 1e6));
  }
}
