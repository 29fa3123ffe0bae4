// The formatter and the linter the test command runs (`biome ci`, scripts/test.sh) fail on a
// violation: a file laid out differently, and one that breaks a lint rule, each make it exit
// non-zero naming the file; a clean file passes. The probes are written inside the tree (Biome
// checks only the files biome.json includes) and removed afterwards.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');
const BIOME = join(ROOT, 'node_modules/.bin/biome');

function ciOn(name: string, source: string): { status: number | null; output: string } {
  const file = join(ROOT, 'scripts/test', `${name}-${process.pid}.ts`);
  writeFileSync(file, source);
  try {
    const r = spawnSync(BIOME, ['ci', '--error-on-warnings', '--colors=off', file], { cwd: ROOT, encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(file, { force: true });
  }
}

test('a clean file passes', () => {
  const r = ciOn('lint-probe-clean', 'export const shout = (name: string): string => name.toUpperCase();\n');
  assert.equal(r.status, 0, r.output);
});

test('a file laid out differently fails the formatter check', () => {
  const r = ciOn('lint-probe-format', 'export const greeting = (name : string) : string=>"hello "+name\n');
  assert.notEqual(r.status, 0);
  assert.match(r.output, /lint-probe-format-\d+\.ts format/);
});

test('a file that breaks a lint rule fails the linter', () => {
  const r = ciOn(
    'lint-probe-rule',
    'export function pick(a: number, b: number): number {\n  let c = 0;\n  if ((c = a)) return b;\n  return c;\n}\n',
  );
  assert.notEqual(r.status, 0);
  assert.match(r.output, /lint\/suspicious\/noAssignInExpressions/);
});
