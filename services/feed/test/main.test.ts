// feed's main as its own process: the kit's common checks (ready, clean SIGTERM, bad config).
import { fileURLToPath } from 'node:url';
import { describeServiceMain } from '@botsky/kit/testing';

describeServiceMain({
  name: 'feed',
  main: fileURLToPath(new URL('../src/main.ts', import.meta.url)),
  checks: ['bus'],
  env: () => ({ BOTSKY_FEED_PORT: '0' }),
});
