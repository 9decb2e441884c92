// A JSON list's items kept as the stored bytes they print from (resourceVersion spliced in, a typed kind's kind
// and apiVersion left out), copied out only as the body is written: a large list never lies in memory twice.
import { insertionPoint } from './stored-json.js';

const COMMA = 0x2c;
const QUOTE = 0x22;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const RV_KEY = Buffer.from('"resourceVersion":"');
/** `at` of an item printed as its bytes are. */
const PLAIN = -1;
/** Bits of `commas`: a comma before the resourceVersion field, one after it. */
const COMMA_BEFORE = 2;
const COMMA_AFTER = 1;

function digits(n: number): number {
  let d = 1;
  for (; n >= 10; n = Math.floor(n / 10)) d++;
  return d;
}

/** The items of a list, comma-separated when printed. */
export class ListItems {
  private readonly src: Buffer[] = [];
  /** Per item: first byte of src printed (preceded by a `{` of the item's own when > 0). */
  private readonly from: number[] = [];
  /** Per item: where the resourceVersion field goes in src, or PLAIN. */
  private readonly at: number[] = [];
  private readonly rv: number[] = [];
  private readonly commas: number[] = [];
  /** Bytes of the items printed comma-separated. */
  byteLength = 0;

  get count(): number {
    return this.src.length;
  }

  /**
   * Adds stored bytes (printed JSON without metadata.resourceVersion) with rv put back where Go prints it;
   * given a typed kind's head (`{"kind":…,"apiVersion":…`), without it. false when that cannot be done.
   */
  addStored(stored: Buffer, rv: number, typed: boolean, head?: Buffer): boolean {
    let from = 0;
    if (head) {
      const n = head.length;
      if (stored.length <= n + 1 || stored[n] !== COMMA) return false;
      // a loop rather than compare(): a native call per item costs more than the few bytes
      for (let k = 0; k < n; k++) if (stored[k] !== head[k]) return false;
      from = n + 1;
    }
    const p = insertionPoint(stored, typed, from);
    if (!p) return false;
    const closing = stored[p.at] === CLOSE;
    const commas = (!p.first && closing ? COMMA_BEFORE : 0) | (closing ? 0 : COMMA_AFTER);
    this.push(stored, from, p.at, rv, commas);
    return true;
  }

  /** Adds an item's JSON as it is. */
  addJSON(json: Buffer): void {
    this.push(json, 0, PLAIN, 0, 0);
  }

  private push(src: Buffer, from: number, at: number, rv: number, commas: number): void {
    if (this.src.length) this.byteLength++;
    this.src.push(src);
    this.from.push(from);
    this.at.push(at);
    this.rv.push(rv);
    this.commas.push(commas);
    this.byteLength += this.printedLength(this.src.length - 1);
  }

  /** Bytes of item i printed (without the comma before it). */
  printedLength(i: number): number {
    const src = this.src[i]!;
    if (this.at[i] === PLAIN) return src.length;
    const from = this.from[i]!;
    return (from ? 1 : 0) + src.length - from + fieldLength(this.rv[i]!, this.commas[i]!);
  }

  /** Prints item i at into[o] (room for it is there); returns the offset after it. */
  write(i: number, into: Buffer, o: number): number {
    const src = this.src[i]!;
    const at = this.at[i]!;
    if (at === PLAIN) return o + src.copy(into, o);
    const from = this.from[i]!;
    if (from) into[o++] = OPEN;
    o += src.copy(into, o, from, at);
    o = writeField(into, o, this.rv[i]!, this.commas[i]!);
    return o + src.copy(into, o, at);
  }

  /** Copies bytes [skip, skip + n) of item i printed to into[o] (for an item split between two pieces). */
  writePart(i: number, into: Buffer, o: number, skip: number, n: number): void {
    const src = this.src[i]!;
    const at = this.at[i]!;
    if (at === PLAIN) {
      src.copy(into, o, skip, skip + n);
      return;
    }
    const from = this.from[i]!;
    const field = Buffer.allocUnsafe(fieldLength(this.rv[i]!, this.commas[i]!));
    writeField(field, 0, this.rv[i]!, this.commas[i]!);
    const segments: [Buffer, number, number][] = [
      [OPEN_BUF, 0, from ? 1 : 0],
      [src, from, at],
      [field, 0, field.length],
      [src, at, src.length],
    ];
    // base: where the segment starts in the printed item
    let base = 0;
    const end = skip + n;
    for (const [buf, start, stop] of segments) {
      const lo = Math.max(skip, base);
      const hi = Math.min(end, base + stop - start);
      if (lo < hi) buf.copy(into, o + lo - skip, start + lo - base, start + hi - base);
      base += stop - start;
    }
  }
}

const OPEN_BUF = Buffer.from('{');

function fieldLength(rv: number, commas: number): number {
  return RV_KEY.length + digits(rv) + 1 + (commas & COMMA_BEFORE ? 1 : 0) + (commas & COMMA_AFTER ? 1 : 0);
}

/** `"resourceVersion":"rv"` with the commas around it; returns the offset after it. */
function writeField(into: Buffer, o: number, rv: number, commas: number): number {
  if (commas & COMMA_BEFORE) into[o++] = COMMA;
  for (let k = 0; k < RV_KEY.length; k++) into[o++] = RV_KEY[k]!;
  const d = digits(rv);
  for (let k = d - 1; k >= 0; k--) {
    into[o + k] = 0x30 + (rv % 10);
    rv = Math.floor(rv / 10);
  }
  o += d;
  into[o++] = QUOTE;
  if (commas & COMMA_AFTER) into[o++] = COMMA;
  return o;
}

/** A list body: head, the items comma-separated, tail; read piece by piece into buffers the caller owns. */
export class ListBody {
  readonly length: number;
  /** 0: head, 1…count: the items, count + 1: tail. */
  private unit = 0;
  /** Bytes of the current unit already read (a unit's bytes start with the comma before an item). */
  private pos = 0;

  constructor(
    private readonly head: Buffer,
    private readonly items: ListItems,
    private readonly tail: Buffer,
  ) {
    this.length = head.length + items.byteLength + tail.length;
  }

  /** Fills into with the next bytes of the body; returns how many (0 once all were read). */
  read(into: Buffer): number {
    const items = this.items;
    const last = items.count + 1;
    const cap = into.length;
    let o = 0;
    while (o < cap && this.unit <= last) {
      if (this.unit === 0 || this.unit === last) {
        const b = this.unit === 0 ? this.head : this.tail;
        const n = Math.min(b.length - this.pos, cap - o);
        b.copy(into, o, this.pos, this.pos + n);
        o += n;
        this.advance(n, b.length);
        continue;
      }
      const i = this.unit - 1;
      const comma = i ? 1 : 0;
      const len = comma + items.printedLength(i);
      if (this.pos === 0 && len <= cap - o) {
        if (comma) into[o++] = COMMA;
        o = items.write(i, into, o);
        this.unit++;
        continue;
      }
      const n = Math.min(len - this.pos, cap - o);
      let skip = this.pos;
      let at = o;
      if (comma && skip === 0) into[at++] = COMMA;
      if (comma) skip = Math.max(0, skip - 1);
      if (at < o + n) items.writePart(i, into, at, skip, o + n - at);
      o += n;
      this.advance(n, len);
    }
    return o;
  }

  private advance(n: number, len: number): void {
    this.pos += n;
    if (this.pos === len) {
      this.unit++;
      this.pos = 0;
    }
  }
}
