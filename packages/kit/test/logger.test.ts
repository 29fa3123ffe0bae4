import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig, secret, string } from '../src/config.ts';
import { createLogging } from '../src/logger.ts';

/** A pino destination that keeps every line, parsed. */
function capture() {
  const raw: string[] = [];
  return {
    destination: { write: (line: string) => void raw.push(line) },
    text: () => raw.join(''),
    lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('logging', () => {
  it('names each subsystem once, from the root', () => {
    const out = capture();
    const logging = createLogging({ destination: out.destination });
    logging.createLogger('scoring:recorder').info('hello');
    assert.equal(out.text().match(/"name"/g)?.length, 1);
    assert.equal(out.lines()[0]?.name, 'scoring:recorder');
  });

  it('removes secret fields at any of the first levels of nesting', () => {
    const out = capture();
    const log = createLogging({ destination: out.destination }).createLogger('t');
    log.info(
      {
        password: 'pw-1',
        apiKey: 'key-2',
        req: { headers: { authorization: 'Bearer tok-3' } },
        llm: { provider: { token: 'tok-4', secret: 'sec-5' } },
        visible: 'kept',
      },
      'calling',
    );
    const text = out.text();
    for (const leaked of ['pw-1', 'key-2', 'tok-3', 'tok-4', 'sec-5']) assert.doesNotMatch(text, new RegExp(leaked));
    assert.match(text, /"visible":"kept"/);
    assert.match(text, /\[redacted\]/);
  });

  it('never prints a config secret, whatever its key', () => {
    const out = capture();
    const log = createLogging({ destination: out.destination }).createLogger('t');
    const config = loadConfig(
      { clickhousePassword: secret('CLICKHOUSE_PASSWORD'), user: string('CLICKHOUSE_USER') },
      { CLICKHOUSE_PASSWORD: 'hunter2-value', CLICKHOUSE_USER: 'botsky' },
    );
    log.info({ config }, 'config loaded');
    assert.doesNotMatch(out.text(), /hunter2/);
    assert.deepEqual(out.lines()[0]?.config, { clickhousePassword: '[redacted]', user: 'botsky' });
  });

  it('respects the level', () => {
    const out = capture();
    const log = createLogging({ level: 'warn', destination: out.destination }).createLogger('t');
    log.info('quiet');
    log.warn('loud');
    assert.deepEqual(
      out.lines().map((l) => l.msg),
      ['loud'],
    );
  });
});
