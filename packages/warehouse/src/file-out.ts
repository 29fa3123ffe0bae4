// A file written whole or not at all: written beside its path (`<path>.partial`), renamed onto it
// when complete, removed when the write fails (a server gone mid-answer, a refused query), so a
// half-written export is never taken for a whole one.
import { rename, rm } from 'node:fs/promises';

export async function writeWhole(path: string, write: (partial: string) => Promise<void>): Promise<void> {
  const partial = `${path}.partial`;
  try {
    await write(partial);
    await rename(partial, path);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}
