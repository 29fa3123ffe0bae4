// Builds the browser client into dist/: client/main.tsx bundled and minified by esbuild (its
// binary ships in the @esbuild/<platform> package; nothing is fetched), index.html and the style
// sheet copied beside it. `pnpm --filter @botsky/web build` runs it; so do the test command and
// `./botsky` before starting the web service.
import { copyFile, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = new URL('..', import.meta.url).pathname;
export const CLIENT_SRC = join(ROOT, 'client');
export const CLIENT_OUT = join(ROOT, 'dist');

export interface ClientBuild {
  dir: string;
  /** The bundle's size in bytes, before compression. */
  scriptBytes: number;
}

export async function buildClient(out: string = CLIENT_OUT): Promise<ClientBuild> {
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await build({
    entryPoints: [join(CLIENT_SRC, 'main.tsx')],
    outfile: join(out, 'app.js'),
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'warning',
  });
  await copyFile(join(CLIENT_SRC, 'index.html'), join(out, 'index.html'));
  await copyFile(join(CLIENT_SRC, 'style.css'), join(out, 'style.css'));
  return { dir: out, scriptBytes: (await stat(join(out, 'app.js'))).size };
}

/** Builds the client unless dist/ is newer than every file of client/ (what `botsky up` runs first). */
export async function ensureClient(out: string = CLIENT_OUT): Promise<{ built: boolean }> {
  const builtAt = await stat(join(out, 'index.html')).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  const sources = await readdir(CLIENT_SRC, { recursive: true, withFileTypes: true });
  const times = await Promise.all(sources.filter((e) => e.isFile()).map(async (e) => (await stat(join(e.parentPath, e.name))).mtimeMs));
  if (builtAt > 0 && times.every((t) => t < builtAt)) return { built: false };
  await buildClient(out);
  return { built: true };
}

if (import.meta.main) {
  const built = await buildClient();
  console.log(`web client built: ${built.dir} (app.js ${built.scriptBytes} bytes)`);
}
