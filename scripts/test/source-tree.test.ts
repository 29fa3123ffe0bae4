// The source tree's shape, checked from the files themselves: no relative import reaches into
// another package (a package is used by its name and its package.json `exports`), every workspace
// package a file imports is declared in its package.json, and no import cycle exists, between
// files (runtime imports; `import type` is erased) or between packages (dependencies and
// devDependencies).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');
const GROUPS = ['packages', 'services', 'examples'];
const SKIP_DIRS = new Set(['node_modules', '.tools', '.git']);

interface Pkg {
  name: string;
  dir: string;
  deps: Set<string>;
  exports: Record<string, string>;
}

function packages(): Pkg[] {
  const out: Pkg[] = [];
  for (const group of GROUPS) {
    const base = join(ROOT, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      const file = join(base, name, 'package.json');
      if (!existsSync(file)) continue;
      const json = JSON.parse(readFileSync(file, 'utf8')) as {
        name: string;
        dependencies?: object;
        devDependencies?: object;
        exports?: unknown;
      };
      const exp = typeof json.exports === 'string' ? { '.': json.exports } : ((json.exports ?? {}) as Record<string, string>);
      out.push({
        name: json.name,
        dir: join(base, name),
        deps: new Set([...Object.keys(json.dependencies ?? {}), ...Object.keys(json.devDependencies ?? {})]),
        exports: exp,
      });
    }
  }
  return out;
}

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (SKIP_DIRS.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) tsFiles(path, out);
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

interface Import {
  spec: string;
  typeOnly: boolean;
  line: number;
}

/** Static imports and re-exports, side-effect imports and dynamic import('...') with a literal. */
export function importsOf(source: string): Import[] {
  const out: Import[] = [];
  const text = source.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const lineOf = (i: number) => text.slice(0, i).split('\n').length;
  const statement = /^\s*(import|export)\s+(type\s+)?([^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(statement)) {
    if (m[1] === 'export' && !m[3]) continue;
    out.push({ spec: m[4] as string, typeOnly: Boolean(m[2]), line: lineOf(m.index) });
  }
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g))
    out.push({ spec: m[1] as string, typeOnly: false, line: lineOf(m.index) });
  return out;
}

const pkgs = packages();
const files = pkgs.flatMap((p) => tsFiles(p.dir)).concat(tsFiles(join(ROOT, 'scripts')));
const pkgOf = (file: string) => pkgs.find((p) => file.startsWith(`${p.dir}/`));
const byName = new Map(pkgs.map((p) => [p.name, p]));
const rel = (f: string) => relative(ROOT, f);

/** The file a workspace specifier `@botsky/x[/sub]` names, through the package's exports. */
function resolveWorkspace(spec: string): string | undefined {
  const name = spec.split('/').slice(0, 2).join('/');
  const p = byName.get(name);
  if (!p) return undefined;
  const sub = `.${spec.slice(name.length)}` || '.';
  const target = p.exports[sub === '.' ? '.' : sub];
  return target ? resolve(p.dir, target) : undefined;
}

test('no relative import crosses a package boundary', () => {
  const crossing: string[] = [];
  for (const file of files) {
    for (const imp of importsOf(readFileSync(file, 'utf8'))) {
      if (!imp.spec.startsWith('.')) continue;
      const target = resolve(dirname(file), imp.spec);
      if (pkgOf(file)?.dir !== pkgOf(target)?.dir) crossing.push(`${rel(file)}:${imp.line} imports ${imp.spec}`);
    }
  }
  assert.deepEqual(crossing, []);
});

test('every workspace package a file imports is declared in its package.json', () => {
  const undeclared: string[] = [];
  for (const file of files) {
    const own = pkgOf(file);
    if (!own) continue;
    for (const imp of importsOf(readFileSync(file, 'utf8'))) {
      const name = imp.spec.split('/').slice(0, 2).join('/');
      if (!byName.has(name) || name === own.name) continue;
      if (!own.deps.has(name)) undeclared.push(`${rel(file)}:${imp.line} imports ${name}, not in ${own.name}'s package.json`);
      else if (!resolveWorkspace(imp.spec)) undeclared.push(`${rel(file)}:${imp.line} imports ${imp.spec}, which ${name} does not export`);
    }
  }
  assert.deepEqual(undeclared, []);
});

/** Strongly connected components of more than one node, or with a self-loop (Tarjan). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) !== idx.get(v)) return;
    const scc: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      on.delete(w);
      scc.push(w);
      if (w === v) break;
    }
    if (scc.length > 1 || graph.get(v)?.has(v)) out.push(scc.sort());
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

test('no import cycle between files (runtime imports)', () => {
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const edges = new Set<string>();
    for (const imp of importsOf(readFileSync(file, 'utf8'))) {
      if (imp.typeOnly) continue;
      const target = imp.spec.startsWith('.') ? resolve(dirname(file), imp.spec) : resolveWorkspace(imp.spec);
      if (target && existsSync(target)) edges.add(target);
    }
    graph.set(file, edges);
  }
  assert.deepEqual(
    cycles(graph).map((c) => c.map(rel)),
    [],
  );
});

test('no cycle between workspace packages (dependencies and devDependencies)', () => {
  const graph = new Map(pkgs.map((p) => [p.name, new Set([...p.deps].filter((d) => byName.has(d)))]));
  assert.deepEqual(cycles(graph), []);
});

test('the checks see what they check: a relative import across packages and a cycle are caught', () => {
  assert.deepEqual(
    importsOf(
      "import { a } from '../../x/src/a.ts';\nexport { b } from './b.ts';\nimport type { C } from './c.ts';\n// import { d } from './d.ts';\nconst e = await import('./e.ts');",
    ).map((i) => [i.spec, i.typeOnly]),
    [
      ['../../x/src/a.ts', false],
      ['./b.ts', false],
      ['./c.ts', true],
      ['./e.ts', false],
    ],
  );
  assert.deepEqual(
    cycles(
      new Map([
        ['a', new Set(['b'])],
        ['b', new Set(['a'])],
        ['c', new Set(['a'])],
      ]),
    ),
    [['a', 'b']],
  );
  assert.ok(files.length > 300, `read ${files.length} files`);
});
