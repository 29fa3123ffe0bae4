// The chart sets only variables the services read, with values they accept: every variable on a
// service's container, in every ci scenario, is checked against that service's config spec (the
// one it loads at start-up), and the literal values are loaded through it. A value the services
// stopped reading, or a misspelt one, fails here rather than being ignored in a running pod.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig, runtimeConfigSpec } from '@botsky/kit';
import type { K8sObject } from '../src/index.ts';
import { CI_DIR, ciValuesFiles, ofKind, render, type Loose } from './render.ts';
import { ON_BY_DEFAULT, SERVICE_SPECS, unreadVariables } from './support/service-variables.ts';

/** A Jetstream time_us: too big for helm to print as written unless it is a string. */
const CURSOR = '1732780800000000';
const WITH_CURSOR = ['--set-string', `ingest.startCursor=${CURSOR}`];

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

/** Each service's container env, by service name. */
function serviceEnvs(objects: readonly K8sObject[]): Map<string, EnvVar[]> {
  const out = new Map<string, EnvVar[]>();
  for (const deployment of ofKind(objects, 'Deployment') as Loose[]) {
    const component: string = deployment.metadata.labels['app.kubernetes.io/component'];
    if (component in SERVICE_SPECS) out.set(component, deployment.spec.template.spec.containers[0].env ?? []);
  }
  return out;
}

/** Fails naming every variable a service does not read, and every value its config refuses. */
function checkEnvs(envs: Map<string, EnvVar[]>): void {
  for (const [service, env] of envs) {
    assert.deepEqual(
      unreadVariables(
        service,
        env.map((e) => e.name),
      ),
      [],
      `${service}: variables it does not read`,
    );
    // Values from Secrets are not in the manifest; every literal one must load.
    const literal = Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
    assert.doesNotThrow(() => loadConfig(runtimeConfigSpec, literal), `${service}: runtime config`);
    assert.doesNotThrow(() => loadConfig(SERVICE_SPECS[service]!, literal), `${service}: its config`);
  }
}

describe("the chart's service environments", async () => {
  const scenarios = await ciValuesFiles();

  test('defaults: every service, every variable read and accepted', async () => {
    const envs = serviceEnvs(await render([], WITH_CURSOR));
    assert.deepEqual([...envs.keys()].sort(), [...ON_BY_DEFAULT].sort());
    checkEnvs(envs);
  });

  for (const file of scenarios) {
    test(`ci/${file}: every variable read and accepted`, async () => {
      const envs = serviceEnvs(await render([join(CI_DIR, file)], WITH_CURSOR));
      assert.ok(envs.size > 0, 'renders some services');
      checkEnvs(envs);
    });
  }

  test("ingest's settings arrive as written", async () => {
    const values = ['--set', 'ingest.idleTimeoutMs=45000', '--set', 'ingest.readyGraceMs=0', ...WITH_CURSOR];
    const ingest = serviceEnvs(await render([], values)).get('ingest')!;
    const env = Object.fromEntries(ingest.map((e) => [e.name, e.value]));
    assert.equal(env.BOTSKY_INGEST_CURSOR, CURSOR);
    const config = loadConfig(SERVICE_SPECS.ingest!, env) as Loose;
    assert.deepEqual(
      [config.source, config.sourceUrl, config.idleTimeoutMs, config.readyGraceMs, config.startCursor],
      ['jetstream', 'wss://jetstream2.us-east.bsky.network/subscribe', 45_000, 0, Number(CURSOR)],
    );
    const withoutCursor = serviceEnvs(await render()).get('ingest')!;
    assert.ok(!withoutCursor.some((e) => e.name === 'BOTSKY_INGEST_CURSOR'), 'no cursor unless given: the live tip');
  });

  test('a variable no service reads is caught', async () => {
    const envs = serviceEnvs(
      await render(
        [],
        ['--set-string', 'common.env.BOTSKY_LEADERBOARD_PORTS=9000', '--set-string', 'feed.env.BOTSKY_PLC_URL=http://plc:2582'],
      ),
    );
    for (const service of ON_BY_DEFAULT) {
      assert.deepEqual(
        unreadVariables(
          service,
          envs.get(service)!.map((e) => e.name),
        ),
        ['BOTSKY_LEADERBOARD_PORTS'],
        service,
      );
    }
    assert.throws(() => checkEnvs(envs), /BOTSKY_LEADERBOARD_PORTS/);
  });
});
