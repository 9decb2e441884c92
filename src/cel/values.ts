// Runtime values: JS primitives for bool/int/double/string/bytes/null, small classes for the rest.
import type { CelType } from './types.js';

export class CelUint {
  constructor(readonly value: bigint) {}
  toString(): string {
    return `${this.value}u`;
  }
}

/** google.protobuf.Timestamp as nanoseconds since the Unix epoch. */
export class Timestamp {
  constructor(readonly nanos: bigint) {}
}

/** google.protobuf.Duration as nanoseconds (Go's time.Duration range). */
export class Duration {
  constructor(readonly nanos: bigint) {}
}

/** An evaluation error travelling as a value (absorbed by && and || as in CEL). */
export class CelError {
  constructor(readonly message: string, readonly kind: 'eval' | 'cost' = 'eval') {}
  toString(): string {
    return this.message;
  }
}

export class TypeValue {
  constructor(readonly type: CelType) {}
}

export class Optional {
  static readonly NONE = new Optional(undefined);
  private constructor(readonly value: Val | undefined) {}
  static of(v: Val): Optional {
    return new Optional(v);
  }
  hasValue(): boolean {
    return this.value !== undefined;
  }
}

/** Values of library types (IP, CIDR, URL, Quantity, ...). */
export abstract class OpaqueValue {
  abstract readonly celType: CelType;
  /** Identity by default (handles such as the authorizer's); values with contents override it. */
  equals(other: Val): boolean {
    return other === this;
  }
  /** Size for cost tracking (cel-go's traits.Sizer), or undefined when the value has no size. */
  size(): number | undefined {
    return undefined;
  }
}

export interface CelList {
  readonly kind: 'list';
  size(): number;
  get(index: number): Val;
  values(): Iterable<Val>;
  /** Equality override (x-kubernetes-list-type set/map lists compare without order). */
  equalsList?(other: CelList): boolean | CelError;
  /** Concatenation override (set/map lists merge). */
  concat?(other: CelList): CelList;
}

export interface CelMap {
  readonly kind: 'map';
  size(): number;
  /** The value under a key, undefined when absent, or an error for a bad key. */
  get(key: Val): Val | undefined;
  keys(): Iterable<Val>;
  /** Objects from schemas: equality that tolerates unknown (preserved) fields. */
  equalsMap?(other: CelMap): boolean | CelError;
}

export type Val =
  | null
  | boolean
  | bigint
  | number
  | string
  | Uint8Array
  | CelUint
  | Timestamp
  | Duration
  | CelList
  | CelMap
  | TypeValue
  | Optional
  | OpaqueValue
  | CelError;

export function isList(v: unknown): v is CelList {
  return typeof v === 'object' && v !== null && (v as CelList).kind === 'list';
}

export function isMap(v: unknown): v is CelMap {
  return typeof v === 'object' && v !== null && (v as CelMap).kind === 'map';
}

export function isError(v: unknown): v is CelError {
  return v instanceof CelError;
}

export class ArrayList implements CelList {
  readonly kind = 'list';
  constructor(readonly items: Val[]) {}
  size(): number {
    return this.items.length;
  }
  get(index: number): Val {
    return this.items[index];
  }
  values(): Iterable<Val> {
    return this.items;
  }
}

/** Map keys of different numeric types that are equal find the same entry. */
export function mapKey(k: Val): string | undefined {
  switch (typeof k) {
    case 'string':
      return `s${k}`;
    case 'boolean':
      return `b${k}`;
    case 'bigint':
      return `n${k}`;
    case 'number':
      return Number.isInteger(k) && Number.isFinite(k) ? `n${BigInt(k)}` : undefined;
  }
  if (k instanceof CelUint) return `n${k.value}`;
  return undefined;
}

export class EntriesMap implements CelMap {
  readonly kind = 'map';
  private readonly index = new Map<string, [Val, Val]>();

  constructor(entries: Iterable<[Val, Val]> = []) {
    for (const [k, v] of entries) this.set(k, v);
  }

  /** Returns false when the key is already present (callers report duplicates). */
  set(k: Val, v: Val): boolean {
    const key = mapKey(k);
    if (key === undefined) throw new Error(`unsupported map key ${String(k)}`);
    if (this.index.has(key)) return false;
    this.index.set(key, [k, v]);
    return true;
  }

  /** Sets or replaces an entry; false for a key type maps cannot hold. */
  put(k: Val, v: Val): boolean {
    const key = mapKey(k);
    if (key === undefined || typeof k === 'number') return false;
    this.index.set(key, [k, v]);
    return true;
  }

  delete(k: Val): void {
    const key = mapKey(k);
    if (key !== undefined) this.index.delete(key);
  }

  size(): number {
    return this.index.size;
  }

  get(k: Val): Val | undefined {
    const key = mapKey(k);
    return key === undefined ? undefined : this.index.get(key)?.[1];
  }

  keys(): Iterable<Val> {
    return Array.from(this.index.values(), ([k]) => k);
  }

  entries(): [Val, Val][] {
    return Array.from(this.index.values());
  }
}

export const EMPTY_LIST: CelList = new ArrayList([]);

/** Accumulators of comprehensions, appended to in place (cel-go's mutable list and map). */
export class MutableList extends ArrayList {}
export class MutableMap extends EntriesMap {}
