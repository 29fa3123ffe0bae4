// The Dockerfile without a Docker engine: what it copies exists and is in the build context,
// and the image's install step, run as written on a copy of the build context, gives a tree
// from which the image's command and every service start, get ready and stop cleanly.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT, contextFiles, contextSources, imageCommand, readDockerfile, runCommands, type Instruction } from '../src/index.ts';

const SERVICES = ['ingest', 'matchmaker', 'bot-runner', 'feed', 'scoring', 'web'];

describe('Dockerfile', async () => {
  const instructions = await readDockerfile();
  const context = await contextFiles();
  let app: string;

  before(async () => {
    app = await mkdtemp(join(tmpdir(), 'botsky-image-'));
    for (const file of context) await cp(join(REPO_ROOT, file), join(app, file), { recursive: false });
    const install = runCommands(instructions).find((r) => r.startsWith('pnpm install'));
    assert.ok(install, 'the Dockerfile installs with pnpm');
    await promisify(execFile)('sh', ['-c', install], { cwd: app, env: { ...process.env, CI: 'true' }, maxBuffer: 1 << 24 });
    // The web client's bundle, as the image builds it after the install.
    const client = runCommands(instructions).find((r) => r.startsWith('node services/web/'));
    assert.ok(client, 'the Dockerfile builds the web client');
    await promisify(execFile)('sh', ['-c', client], { cwd: app, maxBuffer: 1 << 24 });
  });

  after(async () => {
    if (app) await rm(app, { recursive: true, force: true });
  });

  test('every COPY source exists and is in the build context', () => {
    for (const source of contextSources(instructions)) {
      assert.ok(existsSync(join(REPO_ROOT, source)), `${source} exists`);
      if (source !== '.') assert.ok(context.includes(source), `${source} is not excluded by .dockerignore`);
    }
  });

  test('the build context leaves out what the image does not need', () => {
    assert.ok(context.length > 50);
    for (const file of context) assert.doesNotMatch(file, /(^|\/)(node_modules|test|\.git|\.tools)\//, file);
    for (const name of SERVICES) assert.ok(context.includes(`services/${name}/src/main.ts`), name);
  });

  test('the pnpm and Node versions are the toolchain’s', async () => {
    const toolchain = await readFile(join(REPO_ROOT, 'scripts', 'toolchain.sh'), 'utf8');
    const pnpm = /BOTSKY_PNPM_SPEC:-(pnpm@[\d.]+)/.exec(toolchain)?.[1];
    assert.ok(pnpm && runCommands(instructions).some((r) => r.includes(`npm install --global ${pnpm}`)), `installs ${pnpm}`);
    assert.ok(argOf(instructions, 'NODE_IMAGE')?.startsWith('node:24-'), 'Node 24');
    assert.ok(
      instructions.some((i) => i.keyword === 'USER' && i.args !== 'root'),
      'runs as a non-root user',
    );
  });

  test("the image's command starts every service", async () => {
    const [bin, ...args] = imageCommand(instructions);
    assert.equal(bin, 'node');
    assert.ok(existsSync(join(app, args[0]!)), `${args[0]} exists in the image`);
    const data = await mkdtemp(join(tmpdir(), 'botsky-image-data-'));
    const dataAt = args.indexOf('--data');
    if (dataAt >= 0) args[dataAt + 1] = data; // the image's /tmp/botsky, here a fresh temp folder
    try {
      await startAndStop(app, args, {}, /^ops: http/m);
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  });

  for (const name of SERVICES) {
    test(`${name} starts from the installed tree, gets ready and stops cleanly`, async () => {
      const warehouse = join(app, '.data', 'warehouse');
      const env = { BOTSKY_BUS: 'memory', BOTSKY_WAREHOUSE: `embedded:${warehouse}`, LOG_LEVEL: 'info' };
      await startAndStop(app, [`services/${name}/src/main.ts`], env, /"msg":"ready"/);
    });
  }

  // Last: it removes the engine from the installed tree the tests above share.
  test('EMBEDDED_CLICKHOUSE=false leaves out chdb; the HTTP adapter and the other services do without it', async () => {
    const slim = runCommands(instructions).find((r) => r.includes('EMBEDDED_CLICKHOUSE'));
    assert.ok(slim, 'the Dockerfile has the EMBEDDED_CLICKHOUSE step');
    const run = (args: string[], env: Record<string, string> = {}, cwd = app) =>
      promisify(execFile)(args[0]!, args.slice(1), { cwd, env: { ...process.env, ...env } });
    const probe = "import('chdb').then(() => console.log('present'), () => console.log('absent'))";
    const chdbIn = async () => (await run([process.execPath, '-e', probe], {}, join(app, 'packages', 'warehouse'))).stdout.trim();
    assert.equal(await chdbIn(), 'present');
    await run(['sh', '-c', slim], { EMBEDDED_CLICKHOUSE: 'true' });
    assert.equal(await chdbIn(), 'present', 'the default keeps it');
    await run(['sh', '-c', slim], { EMBEDDED_CLICKHOUSE: 'false' });
    assert.equal(await chdbIn(), 'absent');
    const check = [
      "import { createWarehouse } from '@botsky/warehouse';",
      "createWarehouse({ kind: 'http', url: 'http://127.0.0.1:9' });",
      "try { createWarehouse({ kind: 'embedded', path: 'x' }); } catch (err) { console.log(err.name, err.message); }",
    ].join('\n');
    const { stdout } = await run([process.execPath, '--input-type=module', '-e', check], {}, join(app, 'services', 'scoring'));
    assert.match(stdout, /^WarehouseError the embedded warehouse needs the chdb package.*BOTSKY_WAREHOUSE/m);
    const env = { BOTSKY_BUS: 'memory', LOG_LEVEL: 'info' };
    await startAndStop(app, ['services/matchmaker/src/main.ts'], env, /"msg":"ready"/);
  });
});

function argOf(instructions: readonly Instruction[], name: string): string | undefined {
  const arg = instructions.find((i) => i.keyword === 'ARG' && i.args.startsWith(`${name}=`));
  return arg?.args.slice(name.length + 1);
}

/** Runs `node args` in `cwd` until `ready` appears in its output, then SIGTERM; expects exit 0. */
const FREE_PORTS = {
  BOTSKY_OPS_HOST: '127.0.0.1',
  BOTSKY_OPS_PORT: '0',
  BOTSKY_LEADERBOARD_HOST: '127.0.0.1',
  BOTSKY_LEADERBOARD_PORT: '0',
  BOTSKY_LEADERBOARD_GRPC_PORT: '0',
  BOTSKY_FEED_HOST: '127.0.0.1',
  BOTSKY_FEED_PORT: '0',
  BOTSKY_WEB_HOST: '127.0.0.1',
  BOTSKY_WEB_PORT: '0',
};

async function startAndStop(cwd: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<void> {
  const child = spawn(process.execPath, args, {
    cwd,
    // Every listener on a free loopback port: other suites run beside this one.
    env: { PATH: process.env.PATH ?? '', HOME: dirname(cwd), ...FREE_PORTS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready:\n${output}`));
    });
  });
  child.kill('SIGTERM');
  assert.equal(await exited, 0, `exit code after SIGTERM; output:\n${output}`);
}
