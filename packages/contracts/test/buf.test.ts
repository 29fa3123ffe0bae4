// The contracts' build checks: lint is clean, and the committed generated code is exactly what
// the workspace's own buf and protoc-gen-es produce from proto/ (offline, no remote plugins).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const pkg = join(import.meta.dirname, '..');
const protoDir = join(pkg, '..', '..', 'proto');
const bin = join(pkg, 'node_modules', '.bin');
const buf = join(bin, 'buf');

async function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'botsky-contracts-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// buf finds protoc-gen-es on PATH, as under `pnpm run gen`; its cache goes to a throwaway dir.
function env(cacheDir: string): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, BUF_CACHE_DIR: cacheDir };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

test('buf lint passes on proto/', async () => {
  await withTmp(async (dir) => {
    const { stdout, stderr } = await run(buf, ['lint', protoDir], { env: env(dir) });
    assert.equal(stdout + stderr, '');
  });
});

test('buf lint rejects a contract that breaks the rules (the lint really runs)', async () => {
  await withTmp(async (dir) => {
    const copy = join(dir, 'proto');
    await cp(protoDir, copy, { recursive: true });
    const bad = 'syntax = "proto3";\npackage botsky.v1;\nmessage Undocumented { string Bad_Name = 1; }\nenum Kind { A = 0; }\n';
    await writeFile(join(copy, 'botsky', 'v1', 'bad.proto'), bad);
    const args = ['lint', copy, '--error-format', 'json'];
    const err = await run(buf, args, { env: env(dir) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err, 'buf lint accepted a bad file');
    const lines = String((err as { stdout?: string }).stdout)
      .trim()
      .split('\n');
    const rules = new Set(lines.map((line) => (JSON.parse(line) as { type: string }).type));
    for (const rule of ['COMMENT_MESSAGE', 'COMMENT_ENUM', 'FIELD_LOWER_SNAKE_CASE', 'ENUM_VALUE_PREFIX', 'ENUM_ZERO_VALUE_SUFFIX']) {
      assert.ok(rules.has(rule), `${rule} not reported; got ${[...rules].join(', ')}`);
    }
  });
});

test('generated code in src/gen is current', async () => {
  await withTmp(async (dir) => {
    const template = join(protoDir, 'buf.gen.yaml');
    await run(buf, ['generate', protoDir, '--template', template, '-o', join(dir, 'out')], { cwd: pkg, env: env(dir) });
    const fresh = join(dir, 'out', 'src', 'gen');
    const committed = join(pkg, 'src', 'gen');
    const files = await listFiles(fresh);
    assert.ok(files.length > 0, 'buf generated nothing');
    assert.deepEqual(await listFiles(committed), files, 'src/gen has missing or extra files: run `pnpm gen`');
    for (const file of files) {
      const [want, got] = await Promise.all([readFile(join(fresh, file)), readFile(join(committed, file))]);
      assert.ok(want.equals(got), `${file} is stale: run \`pnpm gen\``);
    }
  });
});
