// The cursor rule, on its own: acks that come back out of order move the cursor only past frames
// whose events, and every earlier frame's, are all acked; a failed publish is retried, not dropped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogging } from '@botsky/kit';
import { eventually } from '@botsky/kit/testing';
import { PublishQueue, type QueuedEvent } from '../src/index.ts';

const logger = createLogging({ level: 'silent' }).root;
const ev = (id: string): QueuedEvent => ({ subject: 'botsky.network.post', msgId: id, data: new Uint8Array(), kind: 'post' });

function held(): { publish: (e: QueuedEvent) => Promise<void>; release(id: string): void; fail(id: string): void } {
  const waiting = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();
  return {
    publish: (e) => new Promise<void>((resolve, reject) => void waiting.set(e.msgId, { resolve, reject })),
    release: (id) => waiting.get(id)?.resolve(),
    fail: (id) => waiting.get(id)?.reject(new Error('bus down')),
  };
}

describe('publish queue', () => {
  it('moves the cursor only past frames fully acked, in order', async () => {
    const bus = held();
    const cursors: number[] = [];
    const q = new PublishQueue({ publish: bus.publish, maxInFlight: 10, logger, onCursor: (seq) => cursors.push(seq) });
    q.push({ seq: 1, timeUs: 1, events: [ev('a'), ev('b')] });
    q.push({ seq: 2, timeUs: 2, events: [] });
    q.push({ seq: 3, timeUs: 3, events: [ev('c')] });
    bus.release('c');
    bus.release('a');
    await new Promise((r) => setImmediate(r));
    assert.equal(q.cursor, undefined, 'frame 1 still has b unacked');
    bus.release('b');
    await eventually('cursor at 3', () => q.cursor === 3);
    assert.deepEqual(cursors, [3]);
    assert.equal(q.inFlight, 0);
  });

  it('retries a failed publish and holds the cursor and the room until it succeeds', async () => {
    let failures = 0;
    const published: string[] = [];
    const q = new PublishQueue({
      maxInFlight: 1,
      logger,
      retryMinMs: 5,
      retryMaxMs: 10,
      publish: async (e) => {
        if (failures < 3) {
          failures++;
          throw new Error('bus down');
        }
        published.push(e.msgId);
      },
    });
    q.push({ seq: 7, timeUs: null, events: [ev('x')] });
    assert.equal(q.hasRoom, false);
    await q.idle();
    assert.deepEqual([failures, published, q.cursor, q.hasRoom], [3, ['x'], 7, true]);
  });
});
