import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../src/cli.ts';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { env: {}, cwd: process.cwd(), out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('botsky cli', () => {
  it('help lists every command', async () => {
    const { code, out, err } = await run('help');
    assert.equal(code, 0);
    assert.deepEqual(err, []);
    assert.ok(out.some((l) => /^ {2}up +run every service/.test(l)));
    assert.ok(out.some((l) => /^ {2}help +list the commands/.test(l)));
  });

  it('no command at all shows the help', async () => {
    assert.deepEqual(await run(), await run('help'));
  });

  it('help <command> and <command> --help explain its flags', async () => {
    const a = await run('help', 'up');
    const b = await run('up', '--help');
    assert.equal(a.code, 0);
    assert.deepEqual(a, b);
    assert.match(a.out[0] ?? '', /^usage: botsky up \[--data DIR\] \[--duration SECONDS\] \[--bus/);
  });

  const usageErrors: Array<[string[], string]> = [
    [['launch'], 'botsky: unknown command "launch" (try: botsky help)'],
    [
      ['help', 'launch'],
      'botsky help: unknown command "launch" (commands: up, demo, load, rescore, export, validate, publish-feed, bots, keys, season, help)',
    ],
    [['up', '--bogus'], 'botsky up: unknown flag --bogus (try: botsky help up)'],
    [['up', 'now'], 'botsky up: unexpected argument "now" (try: botsky help up)'],
    [['up', '--duration'], 'botsky up: --duration needs a value (try: botsky help up)'],
    [['up', '--duration', 'soon'], 'botsky up: --duration must be a number of seconds > 0 (got "soon")'],
    [['up', '--duration=0'], 'botsky up: --duration must be a number of seconds > 0 (got "0")'],
    [['up', '--bus', 'ftp://x'], `botsky up: --bus must be 'memory' or nats://host:port[,host:port...] (got "ftp://x")`],
  ];
  for (const [argv, message] of usageErrors) {
    it(`${argv.join(' ')}: exit 2 with one line`, async () => {
      const { code, out, err } = await run(...argv);
      assert.equal(code, 2);
      assert.deepEqual(err, [message]);
      assert.deepEqual(out, []);
    });
  }
});
