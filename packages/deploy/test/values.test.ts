// values.yaml and its schema: the schema is generated from the current values, every value has a
// comment, and helm rejects a values file with an unknown key or a wrong type, and settings that
// contradict each other.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CHART_DIR, HelmError, SCHEMA_FILE, buildValuesSchema, helm, renderSchema, uncommentedValues } from '../src/index.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');

/** helm template with the fixture; resolves with helm's error text (fails if helm accepts it). */
async function rejection(fixture: string): Promise<string> {
  try {
    await helm(['template', 'botsky', CHART_DIR, '--values', join(FIXTURES, fixture)]);
  } catch (err) {
    assert.ok(err instanceof HelmError, String(err));
    return err.message;
  }
  assert.fail(`helm accepted ${fixture}`);
}

describe('values', () => {
  test('values.schema.json is generated from the current values.yaml', async () => {
    const current = await readFile(SCHEMA_FILE, 'utf8');
    assert.equal(current, renderSchema(await buildValuesSchema()), 'run node packages/deploy/src/render-k8s.ts');
  });

  test('every value has a comment', async () => {
    assert.deepEqual(await uncommentedValues(), []);
  });

  test('an unknown key is rejected, at the top and deep down', async () => {
    assert.match(await rejection('unknown-top-key-values.yaml'), /Additional property botrunner is not allowed/);
    assert.match(await rejection('unknown-nested-key-values.yaml'), /botRunner\.keda: Additional property lagTreshold is not allowed/);
  });

  test('a wrong type is rejected', async () => {
    const message = await rejection('wrong-types-values.yaml');
    assert.match(message, /botRunner\.replicas: Invalid type\. Expected: integer, given: string/);
    assert.match(message, /common\.env\.DEBUG: Invalid type\. Expected: string, given: boolean/);
    assert.match(message, /nats\.enabled: Invalid type\. Expected: boolean, given: string/);
    assert.match(message, /grafana\.plugins: Invalid type\. Expected: object, given: string/);
  });

  test('a value outside its enum or pattern is rejected', async () => {
    const message = await rejection('bad-enums-values.yaml');
    assert.match(message, /ingest\.source/);
    assert.match(message, /ingest\.url/);
    assert.match(message, /ingest\.startCursor/);
    assert.match(message, /botRunner\.secretMounts/);
    assert.match(message, /bus\.url/);
    assert.match(message, /selfServiceBots\.gatewayUrl/);
    assert.match(message, /selfServiceBots\.pollInterval/);
  });

  test('contradicting settings fail with a message that says what to do', async () => {
    assert.match(await rejection('both-autoscalers-values.yaml'), /choose one/);
    assert.match(await rejection('no-bus-values.yaml'), /set bus\.url/);
    assert.match(await rejection('plugins-twice-values.yaml'), /set grafana\.plugins\.install to \[\]/);
    assert.match(await rejection('plugin-image-unnamed-values.yaml'), /needs grafana\.plugins\.image\.repository/);
  });
});
