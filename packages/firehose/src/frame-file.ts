// A recorded firehose on disk: each frame as a 4-byte big-endian length followed by its bytes,
// gzipped. Used by the fixtures, the tests and the benchmark, and by anyone replaying a capture.
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';

export class FrameFileError extends Error {
  override name = 'FrameFileError';

  constructor(detail: string, options?: { cause?: unknown }) {
    super(detail, options);
  }
}

export function encodeFrameFile(frames: readonly Uint8Array[]): Buffer {
  const total = frames.reduce((sum, f) => sum + 4 + f.length, 0);
  const out = Buffer.alloc(total);
  let pos = 0;
  for (const frame of frames) {
    out.writeUInt32BE(frame.length, pos);
    out.set(frame, pos + 4);
    pos += 4 + frame.length;
  }
  return gzipSync(out, { level: 9 });
}

export function decodeFrameFile(file: Uint8Array): Uint8Array[] {
  let raw: Buffer;
  try {
    raw = gunzipSync(file);
  } catch (err) {
    throw new FrameFileError('frame file is not gzip', { cause: err });
  }
  const frames: Uint8Array[] = [];
  let pos = 0;
  while (pos < raw.length) {
    if (pos + 4 > raw.length) throw new FrameFileError('frame file ends inside a length');
    const length = raw.readUInt32BE(pos);
    if (pos + 4 + length > raw.length) throw new FrameFileError('frame file ends inside a frame');
    // Each frame gets its own buffer, as it would arriving from a socket.
    frames.push(Uint8Array.prototype.slice.call(raw, pos + 4, pos + 4 + length));
    pos += 4 + length;
  }
  return frames;
}

export function readFrameFile(path: string): Uint8Array[] {
  return decodeFrameFile(readFileSync(path));
}
