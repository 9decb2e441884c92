// The parsed expression tree (shaped as cel-go's ast.Expr) and the source positions of its nodes.
import type { CelUint } from './values.js';

export type Literal = null | boolean | bigint | CelUint | number | string | Uint8Array;

export type Expr =
  | { kind: 'literal'; id: number; value: Literal }
  | { kind: 'ident'; id: number; name: string }
  | { kind: 'select'; id: number; operand: Expr; field: string; testOnly: boolean }
  | { kind: 'call'; id: number; fn: string; target?: Expr; args: Expr[] }
  | { kind: 'list'; id: number; elements: Expr[]; optionalIndices: number[] }
  | { kind: 'map'; id: number; entries: MapEntry[] }
  | { kind: 'struct'; id: number; typeName: string; fields: StructField[] }
  | {
      kind: 'comprehension';
      id: number;
      iterRange: Expr;
      iterVar: string;
      iterVar2?: string;
      accuVar: string;
      accuInit: Expr;
      loopCondition: Expr;
      loopStep: Expr;
      result: Expr;
    }
  | { kind: 'unspecified'; id: number };

export interface MapEntry {
  id: number;
  key: Expr;
  value: Expr;
  optional: boolean;
}

export interface StructField {
  id: number;
  name: string;
  value: Expr;
  optional: boolean;
}

/** Accumulator variable name of comprehensions produced by macros (cel-go's hidden accumulator). */
export const ACCUMULATOR = '@result';
export const LEGACY_ACCUMULATOR = '__result__';

/** Node ids and the code point offsets they were created at. */
export class SourceInfo {
  private nextId = 1;
  readonly offsets = new Map<number, number>();

  newId(offset: number): number {
    const id = this.nextId++;
    this.offsets.set(id, offset);
    return id;
  }

  /** Releases an id that was reserved for a macro call but replaced by its expansion. */
  deleteId(id: number): void {
    this.offsets.delete(id);
    if (id === this.nextId - 1) this.nextId--;
  }

  offsetOf(id: number): number {
    return this.offsets.get(id) ?? -1;
  }
}

/** Calls `fn` on every node of the tree, parents first. */
export function walk(e: Expr, fn: (e: Expr) => void): void {
  fn(e);
  switch (e.kind) {
    case 'select':
      walk(e.operand, fn);
      break;
    case 'call':
      if (e.target) walk(e.target, fn);
      e.args.forEach((a) => walk(a, fn));
      break;
    case 'list':
      e.elements.forEach((a) => walk(a, fn));
      break;
    case 'map':
      e.entries.forEach((en) => {
        walk(en.key, fn);
        walk(en.value, fn);
      });
      break;
    case 'struct':
      e.fields.forEach((f) => walk(f.value, fn));
      break;
    case 'comprehension':
      [e.iterRange, e.accuInit, e.loopCondition, e.loopStep, e.result].forEach((a) => walk(a, fn));
      break;
  }
}
