// `pnpm bench`: runs every `<package>/bench/*.bench.ts`, prints each figure next to its baseline
// in bench/baseline.json, and (with --strict) fails when a figure misses its baseline.
// Usage: pnpm bench [--quick] [--filter TEXT] [--json FILE] [--strict]
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { Baseline, BenchModule, BenchResult } from '@botsky/bench';

const root = resolve(import.meta.dirname, '..');

function benchFiles(filter: string | undefined): string[] {
  const files: string[] = [];
  for (const group of ['packages', 'services']) {
    for (const pkg of readdirSync(join(root, group))) {
      const dir = join(root, group, pkg, 'bench');
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir).sort()) {
        const path = join(dir, f);
        if (f.endsWith('.bench.ts') && (!filter || path.includes(filter))) files.push(path);
      }
    }
  }
  return files;
}

function verdict(r: BenchResult, b: Baseline | undefined): string {
  if (!b) return 'no baseline';
  const ratio = r.value / b.value;
  const ok = r.higherIsBetter ? ratio >= 1 : ratio <= 1;
  return `${ok ? 'ok  ' : 'MISS'} ${ratio.toFixed(2)}x of ${b.value} (${b.source})`;
}

function format(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      filter: { type: 'string' },
      json: { type: 'string' },
      strict: { type: 'boolean', default: false },
    },
  });
  const baselines = JSON.parse(readFileSync(join(root, 'bench/baseline.json'), 'utf8')) as Record<string, Baseline>;
  const results: BenchResult[] = [];
  let misses = 0;
  for (const file of benchFiles(values.filter)) {
    console.log(`# ${file.slice(root.length + 1)}`);
    const mod = (await import(pathToFileURL(file).href)) as BenchModule;
    for (const r of await mod.run({ quick: values.quick })) {
      results.push(r);
      const b = baselines[r.name];
      if (b && (r.higherIsBetter ? r.value < b.value : r.value > b.value)) misses++;
      console.log(`  ${r.name.padEnd(44)} ${format(r.value).padStart(12)} ${r.unit.padEnd(10)} ${verdict(r, b)}`);
    }
  }
  if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`${results.length} figures, ${misses} below baseline`);
  if (values.strict && misses > 0) process.exitCode = 1;
}

await main();
