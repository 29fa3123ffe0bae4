// Impressions are the feed's hottest output (one per served item: 50,000 a second at 1,000
// pages a second), and the generic protobuf writer costs ~10 µs each plus garbage. This writes
// the same bytes as `encode(ImpressionSchema, ...)` (fields in number order, proto3 defaults
// omitted; test/impression-codec.test.ts checks byte equality) for a whole page into one buffer,
// encoding the fields the page's items share only once.

export interface PageImpressions {
  requestId: string;
  viewerDid: string;
  servedAtUs: number;
  feedUri: string;
  items: ReadonlyArray<{ itemUri: string; botId: string; position: number; probability: number; feedContext: string }>;
}

const LEN = 2;
const VARINT = 0;
const FIXED64 = 1;

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function strSize(s: string): number {
  if (s.length === 0) return 0;
  const bytes = Buffer.byteLength(s);
  return 1 + varintSize(bytes) + bytes;
}

class Writer {
  readonly buf: Buffer;
  pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  varint(n: number): void {
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  str(field: number, s: string): void {
    if (s.length === 0) return;
    this.buf[this.pos++] = (field << 3) | LEN;
    this.varint(Buffer.byteLength(s));
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  uint(field: number, n: number): void {
    if (n === 0) return;
    this.buf[this.pos++] = (field << 3) | VARINT;
    this.varint(n);
  }

  double(field: number, v: number): void {
    if (v === 0) return;
    this.buf[this.pos++] = (field << 3) | FIXED64;
    this.pos = this.buf.writeDoubleLE(v, this.pos);
  }

  copy(bytes: Buffer): void {
    bytes.copy(this.buf, this.pos);
    this.pos += bytes.length;
  }
}

function encodeShared(fields: (w: Writer) => void, size: number): Buffer {
  const w = new Writer(size);
  fields(w);
  return w.buf.subarray(0, w.pos);
}

/** One encoded Impression per item, in order, sharing one buffer. */
export function encodePageImpressions(page: PageImpressions): Uint8Array[] {
  // Fields 1-2 come before each item's fields, 7-8 after field 6: number order, as protobuf-es writes.
  const head = encodeShared((w) => {
    w.str(1, page.requestId);
    w.str(2, page.viewerDid);
  }, strSize(page.requestId) + strSize(page.viewerDid));
  const tail = encodeShared((w) => {
    w.uint(7, page.servedAtUs);
    w.str(8, page.feedUri);
  }, 11 + strSize(page.feedUri));
  const sizes = page.items.map(
    (it) =>
      head.length + strSize(it.itemUri) + strSize(it.botId) + (it.position ? 1 + varintSize(it.position) : 0) +
      (it.probability ? 9 : 0) + tail.length + strSize(it.feedContext),
  );
  const w = new Writer(sizes.reduce((a, b) => a + b, 0));
  return page.items.map((it) => {
    const start = w.pos;
    w.copy(head);
    w.str(3, it.itemUri);
    w.str(4, it.botId);
    w.uint(5, it.position);
    w.double(6, it.probability);
    w.copy(tail);
    w.str(9, it.feedContext);
    return w.buf.subarray(start, w.pos);
  });
}
