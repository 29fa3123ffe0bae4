// A served page is the feed's hottest output (one ImpressionPage per getFeedSkeleton response:
// 1,000 a second under the benchmark's load), and the generic protobuf writer costs more than
// the rest of the request's own work. This writes the same bytes as
// `toBinary(ImpressionPageSchema, ...)` (fields in number order, proto3 defaults omitted, each
// item length-prefixed; test/impression-codec.test.ts checks byte equality) into one buffer
// sized up front.

export interface PageItem {
  itemUri: string;
  botId: string;
  position: number;
  probability: number;
  feedContext: string;
}

export interface PageImpressions {
  requestId: string;
  viewerDid: string;
  servedAtUs: number;
  feedUri: string;
  items: ReadonlyArray<PageItem>;
}

const LEN = 2;
const VARINT = 0;
const FIXED64 = 1;
const ITEMS_FIELD = 5;

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

function uintSize(n: number): number {
  return n === 0 ? 0 : 1 + varintSize(n);
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

  tag(field: number, wire: number): void {
    this.buf[this.pos++] = (field << 3) | wire;
  }

  str(field: number, s: string): void {
    if (s.length === 0) return;
    this.tag(field, LEN);
    this.varint(Buffer.byteLength(s));
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  uint(field: number, n: number): void {
    if (n === 0) return;
    this.tag(field, VARINT);
    this.varint(n);
  }

  double(field: number, v: number): void {
    if (v === 0) return;
    this.tag(field, FIXED64);
    this.pos = this.buf.writeDoubleLE(v, this.pos);
  }
}

function itemSize(it: PageItem): number {
  return strSize(it.itemUri) + strSize(it.botId) + uintSize(it.position) + (it.probability ? 9 : 0) + strSize(it.feedContext);
}

/** The page as one encoded ImpressionPage. */
export function encodeImpressionPage(page: PageImpressions): Uint8Array {
  const sizes = page.items.map(itemSize);
  let size = strSize(page.requestId) + strSize(page.viewerDid) + uintSize(page.servedAtUs) + strSize(page.feedUri);
  for (const s of sizes) size += 1 + varintSize(s) + s;
  const w = new Writer(size);
  w.str(1, page.requestId);
  w.str(2, page.viewerDid);
  w.uint(3, page.servedAtUs);
  w.str(4, page.feedUri);
  for (let i = 0; i < page.items.length; i++) {
    const it = page.items[i] as PageItem;
    // An empty item is still written (tag and zero length), as the generated code does.
    w.tag(ITEMS_FIELD, LEN);
    w.varint(sizes[i] as number);
    w.str(1, it.itemUri);
    w.str(2, it.botId);
    w.uint(3, it.position);
    w.double(4, it.probability);
    w.str(5, it.feedContext);
  }
  return w.buf.subarray(0, w.pos);
}
