// web's main as its own process: the kit's common checks (ready, clean SIGTERM, bad config), and
// bad web settings named in one line. The client is the one the test command builds (dist/).
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeServiceMain, natsUrl, runNode } from '@botsky/kit/testing';

describeServiceMain(
  {
    name: 'web',
    main: fileURLToPath(new URL('../src/main.ts', import.meta.url)),
    checks: ['bus', 'client'],
    env: () => ({ BOTSKY_WEB_PORT: '0' }),
    badConfigs: [
      {
        title: 'bad web settings stop start-up: one line naming each variable',
        env: { BOTSKY_WEB_PORT: '99999', BOTSKY_WEB_LEADERBOARD_URL: 'ftp://scoring', BOTSKY_WEB_REPLAY: 'soon' },
        stderr:
          'web: config: BOTSKY_WEB_PORT must be an integer 0-65535 (got "99999"); BOTSKY_WEB_LEADERBOARD_URL must be a http:// or https:// URL (got "ftp://scoring"); ' +
          'BOTSKY_WEB_REPLAY must be a duration in ms 0-86400000 (e.g. 10000 or 10s) (got "soon")\n',
      },
    ],
  },
  () => {
    it("sign-up on someone's public server is refused at start-up: it is for a local network's PDS", async (t) => {
      const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
      const exit = await runNode(t, main, [], { BOTSKY_BUS: natsUrl(), BOTSKY_WEB_PORT: '0', BOTSKY_WEB_SIGNUP: 'true' }).exited;
      assert.notEqual(exit.code, 0);
      assert.match(exit.stderr + exit.stdout, /BOTSKY_WEB_SIGNUP is for a local network's PDS .*https:\/\/bsky\.social/);
    });
  },
);
