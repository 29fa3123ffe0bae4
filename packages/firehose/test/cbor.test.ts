// The DAG-CBOR decoder reads what @atproto/lex-cbor writes, to the same values, and refuses what
// DAG-CBOR forbids.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode } from '@atproto/lex-cbor';
import { cidForRecord } from '@atproto/repo';
import { decodeCbor } from '../src/cbor.ts';
import { CidLink, base32 } from '../src/cid.ts';
import { DecodeError } from '../src/errors.ts';

test('values round-trip from @atproto/lex-cbor', async () => {
  const cid = await cidForRecord({ a: 1 });
  const value = {
    ints: [
      0,
      1,
      23,
      24,
      255,
      256,
      65535,
      65536,
      2 ** 32 - 1,
      2 ** 32,
      Number.MAX_SAFE_INTEGER,
      -1,
      -24,
      -25,
      -256,
      -257,
      -(2 ** 32),
      Number.MIN_SAFE_INTEGER,
    ],
    strings: ['', 'a', 'x'.repeat(24), 'y'.repeat(25), 'ü', '日本語のテキスト', '👩🏽‍💻', 'z'.repeat(70000)],
    bytes: new Uint8Array([0, 1, 2, 255]),
    nested: { a: [{ b: [null, true, false] }], '': 'empty key' },
    link: cid,
  };
  const decoded = decodeCbor(encode(value as never)) as Record<string, unknown>;
  assert.deepEqual(decoded.ints, value.ints);
  assert.deepEqual(decoded.strings, value.strings);
  assert.deepEqual(decoded.nested, value.nested);
  assert.deepEqual(new Uint8Array(decoded.bytes as Uint8Array), value.bytes);
  assert.ok(decoded.link instanceof CidLink);
  assert.equal(decoded.link.toString(), cid.toString());
});

test('map keys named like Object.prototype members are plain own properties', () => {
  const key = (k: string) => [0x60 + k.length, ...Buffer.from(k)];
  const bytes = Uint8Array.of(0xa3, ...key('__proto__'), 0xa1, 0x61, 0x78, 0x01, ...key('toString'), 0x02, ...key('constructor'), 0x03);
  const decoded = decodeCbor(bytes) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(decoded, '__proto__')?.value, { x: 1 });
  assert.deepEqual([decoded.toString, decoded.constructor], [2, 3]);
  assert.equal(reason(Uint8Array.of(0xa2, ...key('toString'), 0x01, ...key('toString'), 0x02)), 'garbled', 'a real duplicate');
});

test('base32 matches the multibase CID strings', () => {
  assert.equal(base32(Buffer.from('foobar')), 'mzxw6ytboi');
  assert.equal(base32(Buffer.from('f')), 'my');
  assert.equal(base32(new Uint8Array(0)), '');
});

function reason(bytes: Uint8Array): string {
  try {
    decodeCbor(bytes);
  } catch (err) {
    assert.ok(err instanceof DecodeError, String(err));
    return err.reason;
  }
  return 'accepted';
}

test('what DAG-CBOR forbids is garbled; running out of bytes is truncated', () => {
  const garbled: Array<[string, number[]]> = [
    ['indefinite array', [0x9f, 0xff]],
    ['reserved info', [0x1c]],
    ['tag 0', [0xc0, 0x60]],
    ['tag 42 without 0x00 prefix', [0xd8, 0x2a, 0x42, 0x01, 0x71]],
    ['single float', [0xfa, 0, 0, 0, 0]],
    ['NaN', [0xfb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0]],
    ['integer key', [0xa1, 0x01, 0x01]],
    ['non-minimal length', [0x78, 0x01, 0x61]],
    ['integer beyond 2^53', [0x1b, 0x00, 0x20, 0, 0, 0, 0, 0, 0]],
    ['nesting of 65', [...Array(65).fill(0x81), 0x00]],
    ['trailing byte', [0x00, 0x00]],
  ];
  for (const [name, bytes] of garbled) assert.equal(reason(Uint8Array.from(bytes)), 'garbled', name);
  const truncated: Array<[string, number[]]> = [
    ['empty', []],
    ['string past the end', [0x65, 0x61]],
    ['array of 2^32 items', [0x9a, 0xff, 0xff, 0xff, 0xff, 0x00]],
    ['map missing a value', [0xa1, 0x61, 0x61]],
    ['8-byte length cut', [0x5b, 0, 0]],
  ];
  for (const [name, bytes] of truncated) assert.equal(reason(Uint8Array.from(bytes)), 'truncated', name);
  assert.equal(reason(Uint8Array.from([...Array(64).fill(0x81), 0x00])), 'accepted', 'nesting of 64 is fine');
});
