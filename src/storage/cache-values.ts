// The watch cache's current values, copied into shared slabs with their revisions in typed arrays: a Buffer of its own
// per object costs ~350 bytes beyond its bytes (Buffer, ArrayBuffer, backing store, KeyValue), a third of a small object.
import type { KeyValue } from './backend.js';

/** Slabs never grow past this; a larger value gets a slab of its own size. */
const MAX_SLAB = 1 << 20;
const MIN_SLAB = 4 << 10;
/** Bytes no longer live that may pile up before the sparsest slabs are copied out (plus a quarter of what is live). */
const GARBAGE_ALLOWANCE = 256 << 10;
/** KeyValues handed out and kept, so that a value read again before it changes is the same object. */
const MAX_HANDED = 1024;

interface Slab {
  buf: Buffer;
  used: number;
  live: number;
}

export class CacheValues {
  private readonly index = new Map<string, number>();
  private readonly freeSlots: number[] = [];
  private slots = 0;
  private slabOf = new Uint32Array(64);
  private offset = new Uint32Array(64);
  private length = new Uint32Array(64);
  private createRev = new Float64Array(64);
  private modRev = new Float64Array(64);
  private slabs: (Slab | undefined)[] = [];
  private current = -1;
  private liveBytes = 0;
  private usedBytes = 0;
  private handed = new Map<string, KeyValue>();

  get size(): number {
    return this.index.size;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  /** Bytes of live values, and bytes written to slabs still in use (live plus dead). */
  footprint(): { live: number; used: number } {
    return { live: this.liveBytes, used: this.usedBytes };
  }

  keys(): IterableIterator<string> {
    return this.index.keys();
  }

  /** The value of key as a KeyValue (a view into a slab; the same object until the value changes, while it is recent). */
  get(key: string): KeyValue | undefined {
    const slot = this.index.get(key);
    if (slot === undefined) return undefined;
    const h = this.handed.get(key);
    if (h && h.modRevision === this.modRev[slot]) return h;
    const kv = this.kvAt(key, slot);
    if (this.handed.size >= MAX_HANDED) this.handed = new Map();
    this.handed.set(key, kv);
    return kv;
  }

  /** A fresh KeyValue for key, not remembered (lists read many once). */
  read(key: string): KeyValue | undefined {
    const slot = this.index.get(key);
    return slot === undefined ? undefined : this.kvAt(key, slot);
  }

  /** Stores kv's bytes (copied) as key's value; returns the stored KeyValue. */
  set(kv: KeyValue): KeyValue {
    let slot = this.index.get(kv.key);
    if (slot === undefined) {
      slot = this.freeSlots.pop() ?? this.newSlot();
      this.index.set(kv.key, slot);
    } else this.release(slot);
    const len = kv.value.length;
    const s = this.append(kv.value, len);
    this.slabOf[slot] = s;
    this.offset[slot] = this.slabs[s]!.used - len;
    this.length[slot] = len;
    this.createRev[slot] = kv.createRevision;
    this.modRev[slot] = kv.modRevision;
    this.slabs[s]!.live += len;
    this.liveBytes += len;
    const stored = this.kvAt(kv.key, slot);
    this.handed.delete(kv.key);
    this.collect();
    return stored;
  }

  delete(key: string): boolean {
    const slot = this.index.get(key);
    if (slot === undefined) return false;
    this.release(slot);
    this.index.delete(key);
    this.handed.delete(key);
    this.freeSlots.push(slot);
    this.collect();
    return true;
  }

  clear(): void {
    this.index.clear();
    this.handed.clear();
    this.freeSlots.length = 0;
    this.slots = 0;
    this.slabs = [];
    this.current = -1;
    this.liveBytes = 0;
    this.usedBytes = 0;
  }

  private kvAt(key: string, slot: number): KeyValue {
    const slab = this.slabs[this.slabOf[slot]!]!.buf;
    return { key, value: Buffer.from(slab.buffer, slab.byteOffset + this.offset[slot]!, this.length[slot]!), createRevision: this.createRev[slot]!, modRevision: this.modRev[slot]! };
  }

  private newSlot(): number {
    if (this.slots === this.slabOf.length) {
      const n = this.slots * 2;
      this.slabOf = grow(this.slabOf, new Uint32Array(n));
      this.offset = grow(this.offset, new Uint32Array(n));
      this.length = grow(this.length, new Uint32Array(n));
      this.createRev = grow(this.createRev, new Float64Array(n));
      this.modRev = grow(this.modRev, new Float64Array(n));
    }
    return this.slots++;
  }

  /** The slot's bytes are no longer live; a slab left with nothing live goes (its views keep it as long as they need it). */
  private release(slot: number): void {
    const s = this.slabOf[slot]!;
    const slab = this.slabs[s]!;
    const len = this.length[slot]!;
    slab.live -= len;
    this.liveBytes -= len;
    if (slab.live === 0 && s !== this.current) this.dropSlab(s);
  }

  private dropSlab(s: number): void {
    this.usedBytes -= this.slabs[s]!.used;
    this.slabs[s] = undefined;
  }

  /** Copies bytes to the end of the current slab (a new one when they do not fit); returns the slab's index. */
  private append(bytes: Buffer, len: number): number {
    let slab = this.current >= 0 ? this.slabs[this.current] : undefined;
    if (!slab || slab.used + len > slab.buf.length) {
      // slabs grow with what the cache holds, so a prefix of a few small objects keeps a few KiB
      let size = MIN_SLAB;
      while (size < MAX_SLAB && size < this.liveBytes >> 3) size <<= 1;
      slab = { buf: Buffer.allocUnsafeSlow(Math.max(size, len)), used: 0, live: 0 };
      const old = this.current;
      let s = this.slabs.indexOf(undefined);
      if (s < 0) s = this.slabs.length;
      this.slabs[s] = slab;
      this.current = s;
      if (old >= 0 && this.slabs[old]!.live === 0) this.dropSlab(old);
    }
    bytes.copy(slab.buf, slab.used, 0, len);
    slab.used += len;
    this.usedBytes += len;
    return this.current;
  }

  /** When dead bytes pass a quarter of the live ones, copies the live values out of the sparsest slabs. */
  private collect(): void {
    const garbage = this.usedBytes - this.liveBytes;
    if (garbage <= GARBAGE_ALLOWANCE + (this.liveBytes >> 2)) return;
    const sparse: number[] = [];
    for (let s = 0; s < this.slabs.length; s++) if (this.slabs[s] && s !== this.current) sparse.push(s);
    sparse.sort((a, b) => this.slabs[a]!.live / this.slabs[a]!.used - this.slabs[b]!.live / this.slabs[b]!.used);
    // the sparsest first, until what stays dead is an eighth of what is live
    const moving = new Set<number>();
    let left = garbage;
    for (const s of sparse) {
      if (left <= this.liveBytes >> 3) break;
      moving.add(s);
      left -= this.slabs[s]!.used - this.slabs[s]!.live;
    }
    for (const slot of this.index.values()) {
      const from = this.slabOf[slot]!;
      if (!moving.has(from)) continue;
      const slab = this.slabs[from]!;
      const len = this.length[slot]!;
      const s = this.append(slab.buf.subarray(this.offset[slot]!, this.offset[slot]! + len), len);
      this.slabOf[slot] = s;
      this.offset[slot] = this.slabs[s]!.used - len;
      this.slabs[s]!.live += len;
    }
    for (const s of moving) this.dropSlab(s);
  }
}

function grow<T extends Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
