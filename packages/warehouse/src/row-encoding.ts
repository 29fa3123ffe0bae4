// Rows to ClickHouse's JSON row formats, written by hand rather than with JSON.stringify(row):
// the compact form (arrays in a fixed column order) is what embedded ClickHouse ingests fastest,
// and one encoder gives both adapters the same value rules:
//   string → JSON string; number → number, NaN/±Infinity → "nan"/"inf"/"-inf" (a number in a
//   time column counts the column's ticks: seconds for DateTime, milliseconds for DateTime64(3));
//   bigint → digits (64-bit ids keep their precision); boolean → 1/0 (fits Bool and UInt8,
//   and old servers read no true/false); Date → ISO-8601 UTC string (inserts run with
//   date_time_input_format=best_effort); null/undefined → the column's default (null in the
//   compact form, an omitted key in JSONEachRow, which old servers also understand);
//   arrays and plain objects → JSON, with the same rules inside.

import type { Row } from './types.ts';

export type RowFormat = 'JSONEachRow' | 'JSONCompactEachRow';

export interface EncodedRows {
  columns: string[];
  body: Buffer;
}

/** An extra column with the same value on every row (the dedup token on old servers). */
export interface ConstantColumn {
  name: string;
  value: string;
}

export function encodeRows(rows: readonly Row[], format: RowFormat, extra?: ConstantColumn): EncodedRows {
  const columns = columnsOf(rows);
  if (extra !== undefined && !columns.includes(extra.name)) columns.push(extra.name);
  const encodeRow = format === 'JSONEachRow' ? objectEncoder(columns, extra) : arrayEncoder(columns, extra);
  const out = new ByteSink();
  for (const row of rows) out.write(encodeRow(row));
  return { columns, body: out.bytes() };
}

// Each row's text goes into the buffer at once, so it dies young: concatenating a whole batch
// into one string first keeps every piece alive until the end, and the garbage collector then
// spends more time than the encoding itself (measured on 50,000-row batches).
class ByteSink {
  #buf = Buffer.allocUnsafe(1 << 16);
  #len = 0;

  write(text: string): void {
    const room = this.#buf.length - this.#len;
    if (room < text.length * 3) this.#grow(text.length * 3);
    this.#len += this.#buf.write(text, this.#len, 'utf8');
  }

  bytes(): Buffer {
    return this.#buf.subarray(0, this.#len);
  }

  #grow(need: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#len + need));
    this.#buf.copy(next, 0, 0, this.#len);
    this.#buf = next;
  }
}

/** The union of the rows' keys, in first-seen order. */
export function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key in row) seen.add(key);
  return [...seen];
}

// The compact encoder is generated per column list: one property read and one inlined type test
// per column keeps every call site monomorphic, which is what makes V8 fast here (about a
// quarter less CPU per row than a loop over the columns). Column names only appear as JSON
// string literals in the generated code, so no name can inject code.
const compiled = new Map<string, (row: Row, extraJson: string) => string>();

function arrayEncoder(columns: readonly string[], extra?: ConstantColumn): (row: Row) => string {
  const key = JSON.stringify([columns, extra?.name ?? null]);
  let encode = compiled.get(key);
  if (encode === undefined) {
    if (compiled.size >= 256) compiled.clear();
    encode = compileArrayEncoder(columns, extra?.name);
    compiled.set(key, encode);
  }
  const extraJson = extra === undefined ? '' : JSON.stringify(extra.value);
  const bound = encode;
  return (row) => bound(row, extraJson);
}

function compileArrayEncoder(columns: readonly string[], extraName?: string): (row: Row, extraJson: string) => string {
  const cells = columns.map((c, i) => {
    const sep = i === 0 ? '' : "s += ',';";
    if (c === extraName) return `${sep} s += extraJson;`;
    return `${sep} v = row[${JSON.stringify(c)}];
      s += typeof v === 'string' ? str(v) : typeof v === 'number' && v - v === 0 ? '' + v
        : v instanceof Date ? iso(v) : enc(v);`;
  });
  const source = `return function encodeRow(row, extraJson) { let v; let s = '['; ${cells.join('\n')} return s + ']\\n'; };`;
  const make = new Function('enc', 'str', 'iso', source);
  return make(encodeValue, jsonString, isoDate) as (row: Row, extraJson: string) => string;
}

function objectEncoder(columns: readonly string[], extra?: ConstantColumn): (row: Row) => string {
  const keys = columns.map((c) => `${JSON.stringify(c)}:`);
  const extraAt = extra === undefined ? -1 : columns.indexOf(extra.name);
  const extraJson = extra === undefined ? '' : JSON.stringify(extra.value);
  return (row) => {
    let s = '';
    for (let i = 0; i < columns.length; i++) {
      const v = i === extraAt ? undefined : row[columns[i] as string];
      if (i !== extraAt && (v === null || v === undefined)) continue;
      s += `${s === '' ? '' : ','}${keys[i]}${i === extraAt ? extraJson : encodeValue(v)}`;
    }
    return `{${s}}\n`;
  };
}

export function encodeValue(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return jsonString(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? '"nan"' : v > 0 ? '"inf"' : '"-inf"';
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? '1' : '0';
    case 'undefined':
      return 'null';
    case 'object':
      return encodeObject(v);
    default:
      throw new TypeError(`cannot store a ${typeof v} in ClickHouse`);
  }
}

function encodeObject(v: object | null): string {
  if (v === null) return 'null';
  if (v instanceof Date) return isoDate(v);
  if (Array.isArray(v)) return `[${v.map(encodeValue).join(',')}]`;
  const parts: string[] = [];
  for (const [k, x] of Object.entries(v)) parts.push(`${JSON.stringify(k)}:${encodeValue(x)}`);
  return `{${parts.join(',')}}`;
}

// Most strings need no escaping; testing for the few characters that do is several times
// cheaper than JSON.stringify. Surrogates go the slow way, so a lone one is escaped as JSON does.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must be escaped
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

export function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

// Rows of one batch mostly share their second, so the `YYYY-MM-DDTHH:MM:SS.` prefix is reused
// and only milliseconds are formatted: toISOString per row costs more than the rest of the row.
let lastSecond = Number.NaN;
let lastPrefix = '';
const MAX_4_DIGIT_YEAR_MS = 253_402_300_800_000;

export function isoDate(d: Date): string {
  const ms = d.getTime();
  if (!(ms >= 0 && ms < MAX_4_DIGIT_YEAR_MS)) return JSON.stringify(d.toISOString()); // throws if invalid
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastPrefix = `"${d.toISOString().slice(0, 20)}`;
  }
  const f = ms - second * 1000;
  return `${lastPrefix}${f < 10 ? '00' : f < 100 ? '0' : ''}${f}Z"`;
}
