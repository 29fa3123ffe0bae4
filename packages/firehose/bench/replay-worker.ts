// The replay server's thread: a WebSocket server on 127.0.0.1 that sends every recorded frame,
// then the sentinel, to each subscriber. In its own thread so that the consumer being timed does
// not also pay for the sending, as it would not with a real relay.
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { WebSocketServer } from 'ws';

const { frames, sentinel } = workerData as { frames: Uint8Array[]; sentinel: Uint8Array };
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('connection', (socket) => {
  for (const frame of frames) socket.send(frame);
  socket.send(sentinel);
});
wss.once('listening', () => parentPort!.postMessage((wss.address() as AddressInfo).port));
