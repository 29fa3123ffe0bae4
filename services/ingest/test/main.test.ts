// ingest's main as its own process: the kit's common checks (ready, clean SIGTERM, bad config),
// plus that it reads its source, and bad ingest settings named in one line.
import { fileURLToPath } from 'node:url';
import { describeServiceMain, waitForOutput } from '@botsky/kit/testing';
import { startFakeSource } from './fake-source.ts';

describeServiceMain({
  name: 'ingest',
  main: fileURLToPath(new URL('../src/main.ts', import.meta.url)),
  checks: ['bus', 'source'],
  env: async (t) => {
    const source = await startFakeSource();
    t.after(() => source.close());
    return { BOTSKY_INGEST_URL: source.url };
  },
  whileReady: async ({ proc }) => void (await waitForOutput(proc, /"msg":"source connected"/, 10_000)),
  badConfigs: [
    {
      title: 'bad ingest settings stop start-up: one line naming each variable',
      env: { BOTSKY_INGEST_SOURCE: 'rss', BOTSKY_INGEST_URL: 'http://relay', BOTSKY_INGEST_SCOPE: 'all' },
      stderr:
        'ingest: config: BOTSKY_INGEST_SOURCE must be one of firehose, jetstream (got "rss"); ' +
        'BOTSKY_INGEST_URL must be a ws:// or wss:// URL (got "http://relay"); BOTSKY_INGEST_SCOPE must be one of network, community (got "all")\n',
    },
    {
      title: 'bad heartbeat, readiness and cursor settings stop start-up: one line naming each variable',
      env: { BOTSKY_INGEST_IDLE_TIMEOUT_MS: '50', BOTSKY_INGEST_READY_GRACE_MS: 'soon', BOTSKY_INGEST_CURSOR: '-1' },
      stderr:
        'ingest: config: BOTSKY_INGEST_IDLE_TIMEOUT_MS must be a whole number of milliseconds 100-3600000 (no unit: the name says ms) (got "50"); ' +
        'BOTSKY_INGEST_READY_GRACE_MS must be a whole number of milliseconds 0-3600000 (no unit: the name says ms) (got "soon"); ' +
        'BOTSKY_INGEST_CURSOR must be an integer 0-9007199254740991 (got "-1")\n',
    },
  ],
});
