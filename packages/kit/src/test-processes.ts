// Helpers for tests that run a service's main as a real child process (exported as
// `@botsky/kit/testing`, testing.ts).
import { spawn, type ChildProcess } from 'node:child_process';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunningChild {
  readonly child: ChildProcess;
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string };
  readonly exited: Promise<Exit>;
}

/** The part of node:test's TestContext these helpers use. */
export interface TestHooks {
  after(fn: () => unknown): void;
}

/**
 * Runs `node <script> ...args` with exactly `env` (plus PATH), collecting its output. The child
 * is killed when the test ends, whatever happened: one left running would keep the test file's
 * process (and the whole run) waiting on its pipes.
 */
export function runNode(t: TestHooks, script: string, args: readonly string[], env: Record<string, string>): RunningChild {
  const started = Date.now();
  const child = spawn(process.execPath, [script, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started }));
  });
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** Polls `url` until it answers 200, or throws after `timeoutMs` (or when `child` exits first). */
export async function waitFor200(url: string, opts: { timeoutMs: number; child?: RunningChild }): Promise<unknown> {
  const until = Date.now() + opts.timeoutMs;
  let exited = false;
  void opts.child?.exited.then(() => (exited = true));
  let last = 'no answer';
  while (Date.now() < until && !exited) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      const body: unknown = await res.json().catch(() => undefined);
      if (res.status === 200) return body;
      last = `${res.status} ${JSON.stringify(body)}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const out = opts.child?.output();
  throw new Error(`${url} not 200 within ${opts.timeoutMs} ms (last: ${last})\n${out?.stderr ?? ''}${out?.stdout ?? ''}`);
}

/** Waits until the child's stdout matches `pattern`; throws when it exits first or time runs out. */
export async function waitForOutput(proc: RunningChild, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const until = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  for (;;) {
    const match = pattern.exec(proc.output().stdout);
    if (match) return match;
    if (exited || Date.now() > until) {
      const { stdout, stderr } = proc.output();
      throw new Error(`no output matching ${pattern} ${exited ? 'before exit' : `within ${timeoutMs} ms`}\n${stderr}${stdout}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The ops server's URL, from the kit's `ops server listening` log line. Tests run processes with
 * BOTSKY_OPS_PORT=0 and read the port here: a port found free beforehand can be taken by another
 * test's process before this one binds it.
 */
export async function opsUrlFromLog(proc: RunningChild, timeoutMs: number): Promise<string> {
  const [line] = await waitForOutput(proc, /^\{.*"msg":"ops server listening".*$/m, timeoutMs);
  return (JSON.parse(line) as { ops: string }).ops;
}

export interface ServiceMainRun {
  proc: RunningChild;
  base: string;
  /** The body of the first 200 from /readyz. */
  ready: unknown;
}

/** Starts a service's main on a port the OS picks; resolves once /readyz is 200. */
export async function startServiceMain(
  t: TestHooks,
  main: string,
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<ServiceMainRun> {
  const proc = runNode(t, main, [], { BOTSKY_OPS_HOST: '127.0.0.1', BOTSKY_OPS_PORT: '0', ...env });
  const base = await opsUrlFromLog(proc, timeoutMs);
  return { proc, base, ready: await waitFor200(`${base}/readyz`, { timeoutMs, child: proc }) };
}
