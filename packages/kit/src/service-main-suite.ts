// The tests every service's main gets (`describeServiceMain`, from `@botsky/kit/testing`): as its
// own process against the real NATS it reports ready with its checks and exits 0 on SIGTERM within
// the deadline; a bad port or bus URL stops it with exit 2 and one line naming the variable. A
// service adds its own environment, checks and bad configs.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { runNode, startServiceMain, type ServiceMainRun } from './test-processes.ts';
import { deleteTestNamespace, natsUrl, testNamespace } from './testing/namespace.ts';

export interface BadConfigCase {
  /** The test's title. */
  title: string;
  env: Record<string, string>;
  /** The whole of stderr: one line naming each bad variable. */
  stderr: string;
  /** 2 (bad config) unless told otherwise. */
  code?: number;
}

export interface ServiceMainSuite {
  /** The service's name, as its process names itself on stderr. */
  name: string;
  /** Path of the service's src/main.ts. */
  main: string;
  /** The component checks /readyz reports once ready, without the `<name>.` prefix. */
  checks: readonly string[];
  /** Environment the started process needs besides the bus, namespace and deadline; cleanup via t.after. */
  env?: (t: TestContext) => Record<string, string> | Promise<Record<string, string>>;
  /** More checks while the process is ready, before it gets SIGTERM. */
  whileReady?: (run: ServiceMainRun) => Promise<void>;
  /** Service-specific bad configs, each its own test. */
  badConfigs?: readonly BadConfigCase[];
}

/** The common tests of a service's main; `more` adds tests to the same suite. */
export function describeServiceMain(suite: ServiceMainSuite, more?: () => void): void {
  const { name, main } = suite;
  describe(`${name} main`, { concurrency: true }, () => {
    it('connects to the bus, is ready, and exits 0 on SIGTERM within the deadline', async (t) => {
      const ns = testNamespace();
      t.after(() => deleteTestNamespace(ns));
      const own = (await suite.env?.(t)) ?? {};
      const env = { BOTSKY_BUS: natsUrl(), BOTSKY_NAMESPACE: ns, BOTSKY_DRAIN_TIMEOUT_MS: '5000', ...own };
      const run = await startServiceMain(t, main, env);
      const checks = Object.fromEntries(suite.checks.map((c) => [`${name}.${c}`, { ok: true }]));
      assert.deepEqual(run.ready, { ready: true, phase: 'ready', checks });
      await suite.whileReady?.(run);
      run.proc.child.kill('SIGTERM');
      const exit = await run.proc.exited;
      // Exit 0 means within the deadline: past it, the kit's timer ends the process with 1.
      assert.equal(exit.code, 0, exit.stderr);
      assert.equal(exit.stderr, '');
      assert.match(exit.stdout, /"msg":"stopped"/);
    });

    const common = [
      ['BOTSKY_OPS_PORT', 'a bad port', 'abc', 'must be an integer 0-65535'],
      ['BOTSKY_BUS', 'a bad bus URL', 'ftp://x', `must be 'memory' or nats://host:port[,host:port...]`],
    ] as const;
    for (const [variable, what, value, rule] of common) {
      it(`${what} stops start-up: exit 2, one line on stderr naming ${variable}`, async (t) => {
        const exit = await runNode(t, main, [], { [variable]: value }).exited;
        assert.equal(exit.code, 2);
        assert.equal(exit.stderr, `${name}: config: ${variable} ${rule} (got "${value}")\n`);
        assert.equal(exit.stdout, '');
      });
    }
    for (const c of suite.badConfigs ?? []) {
      it(c.title, async (t) => {
        const exit = await runNode(t, main, [], c.env).exited;
        assert.equal(exit.code, c.code ?? 2);
        assert.equal(exit.stderr, c.stderr);
      });
    }
    more?.();
  });
}
