// Reads the Dockerfile and .dockerignore well enough to check them without a Docker engine:
// the instructions (continuations joined, comments dropped), COPY sources, the command the image
// runs, and which files of the repository end up in the build context.
import { readdir, readFile } from 'node:fs/promises';
import { join, matchesGlob } from 'node:path';
import { REPO_ROOT } from './paths.ts';

export interface Instruction {
  keyword: string;
  args: string;
}

export async function readDockerfile(path = join(REPO_ROOT, 'Dockerfile')): Promise<Instruction[]> {
  const text = (await readFile(path, 'utf8')).replace(/\\\n/g, ' ');
  const out: Instruction[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const m = /^(\w+)\s+(.*)$/.exec(trimmed);
    if (!m) throw new Error(`Dockerfile: cannot read "${trimmed}"`);
    out.push({ keyword: m[1]!.toUpperCase(), args: m[2]! });
  }
  return out;
}

/** Sources of COPY/ADD instructions that read the build context (not another stage). */
export function contextSources(instructions: readonly Instruction[]): string[] {
  const sources: string[] = [];
  for (const { keyword, args } of instructions) {
    if (keyword !== 'COPY' && keyword !== 'ADD') continue;
    const words = args.split(/\s+/);
    if (words.some((w) => w.startsWith('--from='))) continue;
    sources.push(...words.filter((w) => !w.startsWith('--')).slice(0, -1));
  }
  return sources;
}

/** ENTRYPOINT followed by CMD of the last stage, both in exec (JSON) form. */
export function imageCommand(instructions: readonly Instruction[]): string[] {
  const lastFrom = instructions.map((i) => i.keyword).lastIndexOf('FROM');
  const final = instructions.slice(lastFrom);
  const json = (keyword: string): string[] => {
    const found = final.findLast((i) => i.keyword === keyword);
    if (!found) return [];
    if (!found.args.startsWith('[')) throw new Error(`${keyword} should use the exec (JSON) form`);
    return JSON.parse(found.args) as string[];
  };
  return [...json('ENTRYPOINT'), ...json('CMD')];
}

export function runCommands(instructions: readonly Instruction[]): string[] {
  return instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
}

/** The .dockerignore patterns (Docker matches them from the context's root). */
export async function readDockerignore(path = join(REPO_ROOT, '.dockerignore')): Promise<string[]> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export function isIgnored(relPath: string, patterns: readonly string[]): boolean {
  let ignored = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).replace(/^\/+|\/+$/g, '');
    if (matchesGlob(relPath, pattern)) ignored = !negated;
  }
  return ignored;
}

/** Every file of the build context, relative to the root (ignored folders never entered). */
export async function contextFiles(root = REPO_ROOT, patterns?: readonly string[]): Promise<string[]> {
  const ignore = patterns ?? (await readDockerignore(join(root, '.dockerignore')));
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(join(root, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (isIgnored(path, ignore)) continue;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) out.push(path);
    }
  };
  await walk('');
  return out.sort();
}
