// A tiny declarative reader for environment variables. A spec maps config keys to fields; each
// field names its variable, says what it expects, and parses. `loadConfig` reads every field and
// reports all bad values at once, in one line, so a wrong deployment fails fast and clearly.
// This is the one module in the kit that reads `process.env` (as a default only).

export type Env = Readonly<Record<string, string | undefined>>;

const REDACTED = '[redacted]';

/** A secret value. It prints as `[redacted]` in logs, JSON and inspection; `reveal()` gives it. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return REDACTED;
  }
  toString(): string {
    return REDACTED;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }
}

export interface ConfigIssue {
  variable: string;
  problem: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    super(`config: ${issues.map((i) => `${i.variable} ${i.problem}`).join('; ')}`, options);
    this.issues = issues;
  }
}

type Fallback<T> = { kind: 'required' } | { kind: 'optional' } | { kind: 'default'; value: T };

interface FieldInit<T> {
  env: string;
  expected: string;
  parse: (raw: string) => T;
  secret?: boolean;
  fallback?: Fallback<T>;
}

/**
 * One environment variable. Required unless given a default or made optional. An empty value
 * counts as unset, so `FOO=` in a manifest falls back to the default.
 */
export class Field<T> {
  readonly env: string;
  readonly expected: string;
  readonly secret: boolean;
  readonly #parse: (raw: string) => T;
  readonly #fallback: Fallback<T>;

  constructor(init: FieldInit<T>) {
    this.env = init.env;
    this.expected = init.expected;
    this.secret = init.secret ?? false;
    this.#parse = init.parse;
    this.#fallback = init.fallback ?? { kind: 'required' };
  }

  default(value: T): Field<T> {
    return new Field({ ...this.#init(), fallback: { kind: 'default', value } });
  }

  optional(): Field<T | undefined> {
    return new Field<T | undefined>({ ...this.#init(), fallback: { kind: 'optional' } });
  }

  /** The value, or a ConfigIssue saying what was expected. */
  read(env: Env): { ok: true; value: T } | { ok: false; issue: ConfigIssue } {
    const raw = env[this.env];
    if (raw === undefined || raw === '') return this.#fallbackValue();
    try {
      return { ok: true, value: this.#parse(raw) };
    } catch {
      const got = this.secret ? '' : ` (got ${quote(raw)})`;
      return { ok: false, issue: { variable: this.env, problem: `must be ${this.expected}${got}` } };
    }
  }

  #fallbackValue(): { ok: true; value: T } | { ok: false; issue: ConfigIssue } {
    const fb = this.#fallback;
    if (fb.kind === 'default') return { ok: true, value: fb.value };
    if (fb.kind === 'optional') return { ok: true, value: undefined as T };
    return { ok: false, issue: { variable: this.env, problem: `is required: ${this.expected}` } };
  }

  #init(): FieldInit<T> {
    return { env: this.env, expected: this.expected, parse: this.#parse, secret: this.secret };
  }
}

export type ConfigSpec = Readonly<Record<string, Field<unknown>>>;
export type ConfigOf<S extends ConfigSpec> = { readonly [K in keyof S]: S[K] extends Field<infer T> ? T : never };

/** Reads every field of `spec` from `env`; throws one ConfigError naming every bad variable. */
export function loadConfig<S extends ConfigSpec>(spec: S, env: Env = process.env): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const issues: ConfigIssue[] = [];
  for (const [key, field] of Object.entries(spec)) {
    const result = field.read(env);
    if (result.ok) out[key] = result.value;
    else issues.push(result.issue);
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return out as ConfigOf<S>;
}

/** Merges the issues of several ConfigErrors, one per variable (shared variables repeat). */
export function mergeConfigErrors(errors: readonly ConfigError[]): ConfigError {
  const byVariable = new Map<string, ConfigIssue>();
  for (const issue of errors.flatMap((e) => e.issues)) byVariable.set(issue.variable, issue);
  return new ConfigError([...byVariable.values()]);
}

function quote(raw: string): string {
  const shown = raw.length > 60 ? `${raw.slice(0, 57)}...` : raw;
  return JSON.stringify(shown);
}

function fail(): never {
  throw new Error('invalid');
}

function rangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` ${min}-${max}`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return '';
}

function inRange(n: number, min: number | undefined, max: number | undefined): number {
  if ((min !== undefined && n < min) || (max !== undefined && n > max)) fail();
  return n;
}

export interface RangeOptions {
  min?: number;
  max?: number;
}

export function string(env: string, opts: { pattern?: RegExp; expected?: string } = {}): Field<string> {
  const expected = opts.expected ?? (opts.pattern ? `a string matching ${opts.pattern}` : 'a string');
  return new Field({ env, expected, parse: (raw) => (opts.pattern && !opts.pattern.test(raw) ? fail() : raw) });
}

export function int(env: string, opts: RangeOptions = {}): Field<number> {
  const expected = `an integer${rangeText(opts.min, opts.max)}`;
  return new Field({
    env,
    expected,
    parse: (raw) => (/^[-+]?\d+$/.test(raw.trim()) ? inRange(Number(raw), opts.min, opts.max) : fail()),
  });
}

export function number(env: string, opts: RangeOptions = {}): Field<number> {
  const expected = `a number${rangeText(opts.min, opts.max)}`;
  return new Field({
    env,
    expected,
    parse: (raw) => {
      const n = raw.trim() === '' ? Number.NaN : Number(raw);
      return Number.isFinite(n) ? inRange(n, opts.min, opts.max) : fail();
    },
  });
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

export function bool(env: string): Field<boolean> {
  return new Field({
    env,
    expected: 'true or false (also 1/0, yes/no, on/off)',
    parse: (raw) => {
      const v = raw.trim().toLowerCase();
      return TRUE.has(v) ? true : FALSE.has(v) ? false : fail();
    },
  });
}

export function oneOf<const V extends readonly string[]>(env: string, values: V): Field<V[number]> {
  return new Field({
    env,
    expected: `one of ${values.join(', ')}`,
    parse: (raw) => (values.includes(raw) ? (raw as V[number]) : fail()),
  });
}

/** A URL whose scheme is one of `protocols` (e.g. ['http', 'https']); returned as a string. */
export function url(env: string, opts: { protocols: readonly string[] }): Field<string> {
  const schemes = opts.protocols.map((p) => `${p}://`).join(' or ');
  return new Field({
    env,
    expected: `a ${schemes} URL`,
    parse: (raw) => {
      const u = new URL(raw);
      return opts.protocols.includes(u.protocol.slice(0, -1)) ? u.toString() : fail();
    },
  });
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Milliseconds, for a variable whose name does not say the unit: a number with its unit (ms, s,
 * m, h, d), e.g. `10s`, or a plain integer, read as ms. A name ending in `_MS` says its unit, so
 * it takes `milliseconds()` instead; the two never mix.
 */
export function duration(env: string, opts: RangeOptions = {}): Field<number> {
  if (env.endsWith('_MS')) throw new TypeError(`${env}: the name says ms, so it is a milliseconds() field, not a duration() with units`);
  return new Field({
    env,
    expected: `a duration in ms${rangeText(opts.min, opts.max)} (e.g. 10000 or 10s)`,
    parse: (raw) => {
      const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(raw.trim()) ?? fail();
      const ms = Math.round(Number(m[1]) * (DURATION_UNITS[m[2] ?? 'ms'] ?? fail()));
      return inRange(ms, opts.min, opts.max);
    },
  });
}

/** Milliseconds, for a variable whose name ends in `_MS`: a whole number, no unit (`10s` is refused). */
export function milliseconds(env: string, opts: RangeOptions = {}): Field<number> {
  if (!env.endsWith('_MS')) throw new TypeError(`${env}: a milliseconds() field's name ends in _MS; use duration() for a value with units`);
  return new Field({
    env,
    expected: `a whole number of milliseconds${rangeText(opts.min, opts.max)} (no unit: the name says ms)`,
    parse: (raw) => (/^\d+$/.test(raw.trim()) ? inRange(Number(raw), opts.min, opts.max) : fail()),
  });
}

const BYTE_UNITS: Readonly<Record<string, number>> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };

/** `1073741824` bytes as `1GiB`, the largest unit that divides it. */
export function formatBytes(n: number): string {
  const unit = ['TiB', 'GiB', 'MiB', 'KiB'].find((u) => n % (BYTE_UNITS[u] as number) === 0 && n > 0);
  return unit === undefined ? String(n) : `${n / (BYTE_UNITS[unit] as number)}${unit}`;
}

/** A size in bytes: a plain integer or a whole number with a binary unit (KiB, MiB, GiB, TiB), e.g. `512MiB`. */
export function bytes(env: string, opts: RangeOptions = {}): Field<number> {
  const from = opts.min === undefined ? '' : ` from ${formatBytes(opts.min)}`;
  const to = opts.max === undefined ? '' : ` to ${formatBytes(opts.max)}`;
  return new Field({
    env,
    expected: `a size in bytes${from}${to} (e.g. 1073741824 or 1GiB)`,
    parse: (raw) => {
      const m = /^(\d+)\s*(B|KiB|MiB|GiB|TiB)?$/.exec(raw.trim()) ?? fail();
      const n = Number(m[1]) * (BYTE_UNITS[m[2] ?? 'B'] ?? fail());
      return Number.isSafeInteger(n) ? inRange(n, opts.min, opts.max) : fail();
    },
  });
}

/** A secret: never shown in error messages, and a `Secret` that logs as `[redacted]`. */
export function secret(env: string): Field<Secret> {
  return new Field({ env, expected: 'a non-empty secret', secret: true, parse: (raw) => new Secret(raw) });
}

/** A separated list of non-empty strings (default separator: comma). */
export function list(env: string, opts: { separator?: string } = {}): Field<string[]> {
  const sep = opts.separator ?? ',';
  return new Field({
    env,
    expected: `a ${JSON.stringify(sep)}-separated list`,
    parse: (raw) => {
      const items = raw.split(sep).map((s) => s.trim());
      return items.every((s) => s.length > 0) ? items : fail();
    },
  });
}

/** A field with its own parser; any error the parser throws means "not what was expected". */
export function custom<T>(env: string, expected: string, parse: (raw: string) => T): Field<T> {
  return new Field({ env, expected, parse });
}
