// scoring brings the posts' text retention to BOTSKY_POST_TEXT_RETENTION_DAYS at start-up, on
// the real NATS and embedded ClickHouse, and refuses a retention out of range before starting.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ConfigError, loadConfig } from '@botsky/kit';
import { deleteTestNamespace, testNamespace } from '@botsky/kit/testing';
import { appliedPostTextRetention } from '@botsky/warehouse';
import { scoringConfigSpec } from '../src/index.ts';
import { startScoring } from './helpers.ts';

const namespace = testNamespace('scoretention');
let dir = '';
after(async () => {
  await deleteTestNamespace(namespace);
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the retention is 30 days by default and 1 to 3650 days when set', () => {
  assert.equal(loadConfig(scoringConfigSpec, {}).postTextRetentionDays, 30);
  assert.equal(loadConfig(scoringConfigSpec, { BOTSKY_POST_TEXT_RETENTION_DAYS: '365' }).postTextRetentionDays, 365);
  for (const bad of ['0', '3651', '7d', '1.5']) {
    assert.throws(
      () => loadConfig(scoringConfigSpec, { BOTSKY_POST_TEXT_RETENTION_DAYS: bad }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /BOTSKY_POST_TEXT_RETENTION_DAYS must be an integer 1-3650/);
        return true;
      },
    );
  }
});

test('scoring applies the configured retention to the posts table before it is ready', async (t) => {
  dir = await mkdtemp(join(tmpdir(), 'botsky-scoring-retention-'));
  const s = await startScoring(t, {
    BOTSKY_NAMESPACE: namespace,
    BOTSKY_WAREHOUSE: `embedded:${dir}`,
    BOTSKY_POST_TEXT_RETENTION_DAYS: '45',
  });
  try {
    const wh = s.ctx.warehouse;
    assert.equal(await appliedPostTextRetention(wh, wh.database), 45);
    const [row] = await wh.query<{ statement: string }>(`SHOW CREATE TABLE ${wh.database}.posts`);
    assert.match(row?.statement ?? '', /`text` String TTL .*toIntervalDay\(45\)/);
  } finally {
    await s.stop();
  }
});
