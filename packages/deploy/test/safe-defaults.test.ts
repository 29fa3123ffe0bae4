// What a default `helm install` reads and keeps (issue 11, item 7): community scope unless
// network scope is asked for, and then only with the project's DID; every JetStream stream
// bounded in age and bytes on every service; the posts' text retention on scoring. The values
// go through the services' own config specs, as the pods would read them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig, streamLimitsConfigSpec, streamLimitsOf, type StreamLimitsConfig } from '@botsky/kit';
import { CHART_DIR, HelmError, helm } from '../src/index.ts';
import { CI_DIR, render, serviceEnv, type Loose } from './render.ts';
import { ON_BY_DEFAULT, SERVICE_SPECS } from './support/service-variables.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const SERVICES = ON_BY_DEFAULT;
const PROJECT = 'did:plc:botskyprojectaccount00';

/** helm's error for `helm template` with these arguments (fails when helm accepts them). */
async function refusal(args: readonly string[]): Promise<string> {
  try {
    await helm(['template', 'botsky', CHART_DIR, ...args]);
  } catch (err) {
    assert.ok(err instanceof HelmError, String(err));
    return err.message;
  }
  assert.fail(`helm accepted ${args.join(' ')}`);
}

describe('safe defaults', async () => {
  const defaults = await render();

  test('ingest reads the community scope, and no project DID is invented', () => {
    const env = serviceEnv(defaults, 'ingest');
    assert.equal(env.BOTSKY_INGEST_SCOPE, 'community');
    assert.equal((loadConfig(SERVICE_SPECS.ingest!, env) as Loose).scope, 'community');
    for (const name of SERVICES) assert.equal(serviceEnv(defaults, name).BOTSKY_PROJECT_DID, undefined, name);
  });

  test('every service bounds every stream by max age and max bytes, the same on all, as the code defaults', () => {
    const codeDefaults = streamLimitsOf(loadConfig(streamLimitsConfigSpec, {}));
    const variables = Object.values(streamLimitsConfigSpec)
      .map((f) => f.env)
      .sort();
    for (const name of SERVICES) {
      const env = serviceEnv(defaults, name);
      assert.deepEqual(
        Object.keys(env)
          .filter((k) => k.startsWith('BOTSKY_STREAM_'))
          .sort(),
        variables,
        `${name} sets every limit`,
      );
      const limits = streamLimitsOf(loadConfig(SERVICE_SPECS[name]!, env) as unknown as StreamLimitsConfig);
      for (const [stream, l] of Object.entries(limits)) assert.ok(l.maxAgeMs > 0 && l.maxBytes > 0, `${name}: ${stream} is bounded`);
      assert.deepEqual(limits, codeDefaults, `${name}: the chart's defaults are the services' own`);
    }
  });

  test("scoring gets the posts' text retention: 30 days unless set", async () => {
    assert.equal(serviceEnv(defaults, 'scoring').BOTSKY_POST_TEXT_RETENTION_DAYS, '30');
    const set = await render([], ['--set', 'warehouse.postTextRetentionDays=90']);
    const config = loadConfig(SERVICE_SPECS.scoring!, serviceEnv(set, 'scoring')) as Loose;
    assert.equal(config.postTextRetentionDays, 90);
    assert.match(await refusal(['--set', 'warehouse.postTextRetentionDays=0']), /warehouse\.postTextRetentionDays/);
  });

  test('network scope without a project DID is refused by the schema; with one, it reaches the services that read it', async () => {
    const message = await refusal(['--values', join(FIXTURES, 'network-scope-without-did-values.yaml')]);
    assert.match(message, /values don't meet the specifications of the schema/);
    assert.match(message, /project\.did: String length must be greater than or equal to 1/);
    // Without the schema, the template says it in a sentence.
    assert.match(
      await refusal(['--set', 'ingest.scope=network', '--skip-schema-validation']),
      /network scope .* needs the project account's DID \(project\.did\)/,
    );
    const network = await render([join(CI_DIR, 'network-scope-values.yaml')]);
    assert.equal(serviceEnv(network, 'ingest').BOTSKY_INGEST_SCOPE, 'network');
    for (const name of ['ingest', 'matchmaker', 'scoring']) assert.equal(serviceEnv(network, name).BOTSKY_PROJECT_DID, PROJECT, name);
    assert.equal(serviceEnv(network, 'ingest').BOTSKY_STREAM_NETWORK_MAX_BYTES, '40GiB');
  });

  test('streams that would not fit the bundled NATS, or a limit set through env, are refused', async () => {
    assert.match(await refusal(['--set', 'bus.streams.network.maxBytes=8GiB']), /maxBytes add up to .* more than nats\.maxFileStore \(8GB/);
    assert.match(await refusal(['--set', 'bus.streams.feed.maxBytes=512MB']), /bus\.streams\.feed\.maxBytes/);
    assert.match(
      await refusal(['--set-string', 'matchmaker.env.BOTSKY_STREAM_NETWORK_MAX_AGE=1d']),
      /BOTSKY_STREAM_NETWORK_MAX_AGE in the env of matchmaker/,
    );
    assert.match(await refusal(['--set-string', 'ingest.env.BOTSKY_INGEST_SCOPE=network']), /set that value instead/);
  });
});
