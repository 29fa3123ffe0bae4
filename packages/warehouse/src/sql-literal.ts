// Client-side binding of `{name:Type}` parameters, for servers without query parameters
// (ClickHouse before 19.x, such as Debian's 18.16). Each value becomes a typed literal,
// `CAST(<literal> AS Type)`, with the same meaning server-side binding gives it. Values never
// pass through unescaped: strings are quoted with every byte that could end the literal escaped,
// numbers must look like numbers, and anything else is refused.

import { ParamBindError } from './errors.ts';
import { isIdentifier } from './identifiers.ts';

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*):([^{}]+)\}/y;

/** Replaces every `{name:Type}` outside string literals, quoted names and comments. */
export function bindParams(sql: string, params: Readonly<Record<string, unknown>>): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const skip = skipQuotedOrComment(sql, i);
    if (skip > i) {
      out += sql.slice(i, skip);
      i = skip;
      continue;
    }
    PLACEHOLDER.lastIndex = i;
    const m = sql[i] === '{' ? PLACEHOLDER.exec(sql) : null;
    if (m === null) {
      out += sql[i];
      i += 1;
      continue;
    }
    const [whole, name = '', type = ''] = m;
    if (!Object.hasOwn(params, name)) throw new ParamBindError(`parameter ${name} is not set`);
    out += formatParam(params[name], type.trim(), name);
    i += whole.length;
  }
  return out;
}

// Returns the index after a quoted string, quoted name or comment starting at `i`, or `i`.
function skipQuotedOrComment(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"' || c === '`') return skipQuoted(sql, i, c);
  if (c === '-' && sql[i + 1] === '-') return lineEnd(sql, i);
  if (c === '/' && sql[i + 1] === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  return i;
}

function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === '\\') i += 2;
    else if (sql[i] === quote && sql[i + 1] === quote) i += 2;
    else if (sql[i] === quote) return i + 1;
    else i += 1;
  }
  return sql.length;
}

function lineEnd(sql: string, i: number): number {
  const end = sql.indexOf('\n', i);
  return end < 0 ? sql.length : end;
}

/** One parameter as SQL text: a typed literal, or a quoted name for `Identifier`. */
export function formatParam(value: unknown, type: string, name = 'value'): string {
  if (type === 'Identifier') {
    if (typeof value !== 'string' || !isIdentifier(value)) {
      throw new ParamBindError(`parameter ${name}: not a plain identifier`);
    }
    return `\`${value}\``;
  }
  return `CAST(${formatLiteral(value, type, name)} AS ${type})`;
}

/** A ClickHouse literal for `value` read as `type` (without the CAST). */
export function formatLiteral(value: unknown, type: string, name = 'value'): string {
  const inner = unwrap(type, 'Nullable');
  if (inner !== undefined) return value === null || value === undefined ? 'NULL' : formatLiteral(value, inner, name);
  const lc = unwrap(type, 'LowCardinality');
  if (lc !== undefined) return formatLiteral(value, lc, name);
  const elem = unwrap(type, 'Array');
  if (elem !== undefined) {
    if (!Array.isArray(value)) throw new ParamBindError(`parameter ${name}: expected an array for ${type}`);
    return `[${value.map((v) => formatLiteral(v, elem, name)).join(', ')}]`;
  }
  return formatScalar(value, baseName(type), name);
}

function formatScalar(value: unknown, base: string, name: string): string {
  if (/^U?Int(8|16|32|64|128|256)$/.test(base)) return integerLiteral(value, name);
  if (/^(Float32|Float64|BFloat16)$/.test(base)) return floatLiteral(value, name);
  if (/^Decimal(32|64|128|256)?$/.test(base)) return decimalLiteral(value, name);
  if (base === 'Bool' || base === 'Boolean') return boolLiteral(value, name);
  if (/^(Date|Date32|DateTime|DateTime64)$/.test(base)) return dateLiteral(value, name);
  if (/^(String|FixedString|UUID|IPv4|IPv6|Enum8|Enum16|Enum)$/.test(base)) {
    if (typeof value !== 'string') throw new ParamBindError(`parameter ${name}: expected a string`);
    return quoteString(value);
  }
  throw new ParamBindError(`parameter ${name}: type ${base} is not supported by client-side binding`);
}

function unwrap(type: string, wrapper: string): string | undefined {
  if (!type.startsWith(`${wrapper}(`) || !type.endsWith(')')) return undefined;
  return type.slice(wrapper.length + 1, -1).trim();
}

function baseName(type: string): string {
  const paren = type.indexOf('(');
  return (paren < 0 ? type : type.slice(0, paren)).trim();
}

function integerLiteral(value: unknown, name: string): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && /^-?\d{1,78}$/.test(value)) return value;
  throw new ParamBindError(`parameter ${name}: expected an integer`);
}

function floatLiteral(value: unknown, name: string): string {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  throw new ParamBindError(`parameter ${name}: expected a number`);
}

function decimalLiteral(value: unknown, name: string): string {
  if (typeof value === 'number' && Number.isFinite(value)) return quoteString(String(value));
  if (typeof value === 'bigint') return quoteString(value.toString());
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return quoteString(value);
  throw new ParamBindError(`parameter ${name}: expected a decimal number`);
}

function boolLiteral(value: unknown, name: string): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  throw new ParamBindError(`parameter ${name}: expected a boolean`);
}

function dateLiteral(value: unknown, name: string): string {
  if (value instanceof Date) return quoteString(formatDateTimeUtc(value));
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw new ParamBindError(`parameter ${name}: expected a Date, a date string or epoch seconds`);
}

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A single-quoted ClickHouse string literal; backslash escapes, so the quote cannot close early. */
export function quoteString(s: string): string {
  return `'${s.replace(/[\\'\0\b\f\n\r\t]/g, (c) => ESCAPES[c] ?? c)}'`;
}

/** `YYYY-MM-DD HH:MM:SS.mmm` in UTC, the text form ClickHouse parses for DateTime64(3, 'UTC'). */
export function formatDateTimeUtc(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new ParamBindError('invalid Date');
  return d.toISOString().replace('T', ' ').replace('Z', '');
}
