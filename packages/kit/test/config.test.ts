import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import {
  ConfigError,
  Secret,
  bool,
  custom,
  duration,
  milliseconds,
  int,
  list,
  loadConfig,
  mergeConfigErrors,
  number,
  oneOf,
  secret,
  string,
  url,
} from '../src/config.ts';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  const spec = {
    port: int('BOTSKY_OPS_PORT', { min: 1, max: 65535 }).default(9464),
    level: oneOf('LOG_LEVEL', ['info', 'debug'] as const).default('info'),
    ratio: number('RATIO', { min: 0, max: 1 }).default(0.5),
    verbose: bool('VERBOSE').default(false),
    drain: duration('DRAIN').default(10_000),
    hosts: list('HOSTS').default(['a']),
    endpoint: url('ENDPOINT', { protocols: ['http', 'https'] }).optional(),
    name: string('NAME'),
  };

  it('reads values and applies defaults; an empty value counts as unset', () => {
    const config = loadConfig(spec, { NAME: 'x', BOTSKY_OPS_PORT: '', VERBOSE: 'yes', DRAIN: '2s', HOSTS: 'a, b' });
    assert.deepEqual(config, {
      port: 9464,
      level: 'info',
      ratio: 0.5,
      verbose: true,
      drain: 2000,
      hosts: ['a', 'b'],
      endpoint: undefined,
      name: 'x',
    });
  });

  it('names the variable, what was expected and what it got, in one line', () => {
    const err = errorOf(() => loadConfig(spec, { NAME: 'x', BOTSKY_OPS_PORT: 'abc' }));
    assert.equal(err.message, 'config: BOTSKY_OPS_PORT must be an integer 1-65535 (got "abc")');
    assert.equal(err.name, 'ConfigError');
  });

  it('reports every bad variable at once', () => {
    const err = errorOf(() =>
      loadConfig(spec, { BOTSKY_OPS_PORT: '70000', LOG_LEVEL: 'loud', RATIO: '2', ENDPOINT: 'ftp://x', DRAIN: '5 weeks' }),
    );
    assert.deepEqual(
      err.issues.map((i) => i.variable),
      ['BOTSKY_OPS_PORT', 'LOG_LEVEL', 'RATIO', 'DRAIN', 'ENDPOINT', 'NAME'],
    );
    assert.match(err.message, /LOG_LEVEL must be one of info, debug \(got "loud"\)/);
    assert.match(err.message, /ENDPOINT must be a http:\/\/ or https:\/\/ URL \(got "ftp:\/\/x"\)/);
    assert.match(err.message, /NAME is required: a string$/);
    assert.doesNotMatch(err.message, /\n/);
  });

  it('keeps a message one line even when the value has a newline', () => {
    const err = errorOf(() => loadConfig({ n: int('N') }, { N: '1\n2' }));
    assert.equal(err.message, 'config: N must be an integer (got "1\\n2")');
  });

  it('rejects floats for integers and accepts unit-less durations as ms', () => {
    assert.equal(errorOf(() => loadConfig({ n: int('N') }, { N: '1.5' })).issues[0]?.variable, 'N');
    assert.equal(loadConfig({ d: duration('D') }, { D: '250' }).d, 250);
    assert.equal(loadConfig({ d: duration('D') }, { D: '1.5m' }).d, 90_000);
  });

  it('a name ending in _MS says its unit: whole milliseconds only, and duration() refuses such a name', () => {
    assert.equal(loadConfig({ d: milliseconds('D_MS') }, { D_MS: '2500' }).d, 2500);
    const err = errorOf(() => loadConfig({ d: milliseconds('D_MS', { min: 1 }) }, { D_MS: '10s' }));
    assert.equal(err.message, 'config: D_MS must be a whole number of milliseconds >= 1 (no unit: the name says ms) (got "10s")');
    assert.throws(() => duration('D_MS'), /D_MS: the name says ms/);
    assert.throws(() => milliseconds('D'), /D: a milliseconds\(\) field's name ends in _MS/);
  });

  it('custom fields turn any parser error into "expected ..."', () => {
    const field = custom('BOTSKY_BUS', "'memory' or nats://host:port", (raw) => {
      if (raw !== 'memory') throw new Error('nope');
      return { kind: raw };
    });
    const err = errorOf(() => loadConfig({ bus: field }, { BOTSKY_BUS: 'ftp://x' }));
    assert.equal(err.message, `config: BOTSKY_BUS must be 'memory' or nats://host:port (got "ftp://x")`);
  });
});

describe('secrets', () => {
  it('never show their value in an error, JSON or inspection', () => {
    const spec = { password: secret('CLICKHOUSE_PASSWORD').optional(), port: int('PORT', { min: 1 }) };
    const config = loadConfig(spec, { CLICKHOUSE_PASSWORD: 's3cr3t-value', PORT: '3' });
    assert.ok(config.password instanceof Secret);
    assert.equal(config.password.reveal(), 's3cr3t-value');
    assert.doesNotMatch(JSON.stringify(config), /s3cr3t/);
    assert.doesNotMatch(inspect(config), /s3cr3t/);
    assert.doesNotMatch(`${config.password}`, /s3cr3t/);
  });

  it('are optional or required like any field', () => {
    const err = errorOf(() => loadConfig({ key: secret('API_KEY') }, {}));
    assert.equal(err.message, 'config: API_KEY is required: a non-empty secret');
  });
});

describe('mergeConfigErrors', () => {
  it('reports a variable shared by several specs once', () => {
    const a = new ConfigError([{ variable: 'X', problem: 'must be a' }]);
    const b = new ConfigError([
      { variable: 'X', problem: 'must be a' },
      { variable: 'Y', problem: 'must be b' },
    ]);
    assert.equal(mergeConfigErrors([a, b]).message, 'config: X must be a; Y must be b');
  });
});
