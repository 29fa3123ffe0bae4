// scoring's main as its own process: the kit's common checks (ready with its warehouse, clean
// SIGTERM, bad config), and a bad warehouse location.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeServiceMain } from '@botsky/kit/testing';

describeServiceMain({
  name: 'scoring',
  main: fileURLToPath(new URL('../src/main.ts', import.meta.url)),
  checks: ['bus', 'warehouse'],
  env: async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'botsky-scoring-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    return {
      BOTSKY_WAREHOUSE: `embedded:${dir}`,
      BOTSKY_LEADERBOARD_HOST: '127.0.0.1',
      BOTSKY_LEADERBOARD_PORT: '0',
      BOTSKY_LEADERBOARD_GRPC_PORT: '0',
    };
  },
  badConfigs: [
    {
      title: 'a bad warehouse location stops start-up with one line naming BOTSKY_WAREHOUSE',
      env: { BOTSKY_WAREHOUSE: 'clickhouse.local:9000' },
      stderr: 'scoring: config: BOTSKY_WAREHOUSE must be embedded:<path> or http(s)://host:port (got "clickhouse.local:9000")\n',
    },
  ],
});
