// Schema-aware operations on JSON objects, after structured-merge-diff's typed package:
// field sets, comparison, merge (apply), item removal and validation of applied configurations.
import { FieldSet } from './field-set.js';
import { DEDUCED, type TypeNode } from './type-node.js';
import { fieldPE, keyPE, pathString, peString, serializePE, type Path, type PathElement, type Value } from './path-element.js';

type Obj = { [k: string]: Value };

function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => valuesEqual(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ak = Object.keys(a);
    if (ak.length !== Object.keys(b).length) return false;
    return ak.every((k) => k in b && valuesEqual(a[k], b[k]));
  }
  return false;
}

function childType(node: TypeNode, name: string): TypeNode {
  return node.child(name)?.node ?? DEDUCED;
}

/** The path element of a list item: `k:{…}` for list-maps, `v:` for sets; throws upstream's messages. */
export function listItemPE(node: TypeNode, item: Value): PathElement {
  const lt = node.listType();
  if (lt.type === 'atomic') throw new Error('invalid indexing of non-associative list');
  if (lt.type === 'map') {
    if (item === null) throw new Error('associative list with keys may not have a null element');
    if (!isMap(item)) throw new Error('associative list with keys may not have non-map elements');
    const fields: [string, Value][] = [];
    for (const k of lt.keys) {
      if (k in item) fields.push([k, item[k]]);
      else {
        const d = node.keyDefault(k);
        if (d !== undefined) fields.push([k, d]);
      }
    }
    if (lt.keys.length > 0 && fields.length === 0)
      throw new Error(`associative list with keys has an element that omits all key fields [${lt.keys.map((k) => JSON.stringify(k)).join(' ')}] (and doesn't have default values for any key fields)`);
    return keyPE(fields);
  }
  if (isMap(item)) throw new Error("associative list without keys has an element that's a map type");
  if (Array.isArray(item)) throw new Error('not supported: associative list with lists as elements');
  if (item === null) throw new Error("associative list without keys has an element that's an explicit null");
  return { value: item };
}

function tryPE(node: TypeNode, item: Value): PathElement | undefined {
  try {
    return listItemPE(node, item);
  } catch {
    return undefined;
  }
}

/** Every leaf field and list item a value mentions (ToFieldSet). */
export function toFieldSet(v: Value, node: TypeNode): FieldSet {
  const set = new FieldSet();
  walkSet(v, node, [], set);
  return set;
}

function walkSet(v: Value, node: TypeNode, path: Path, set: FieldSet): void {
  if (Array.isArray(v)) {
    if (node.listType().type === 'atomic') return set.insert(path);
    const seen = new Set<string>();
    const dups = new Set<string>();
    const pes = v.map((item) => tryPE(node, item));
    for (const pe of pes) {
      if (!pe) continue;
      const k = serializePE(pe);
      if (seen.has(k) && !dups.has(k)) {
        set.insert([...path, pe]);
        dups.add(k);
      }
      seen.add(k);
    }
    v.forEach((item, i) => {
      const pe = pes[i];
      if (!pe || dups.has(serializePE(pe))) return;
      walkSet(item, node.item(), [...path, pe], set);
      set.insert([...path, pe]);
    });
    return;
  }
  if (isMap(v)) {
    if (node.mapAtomic()) return set.insert(path);
    for (const [k, val] of Object.entries(v)) {
      const c = node.child(k);
      const p = [...path, fieldPE(k)];
      walkSet(val, c?.node ?? DEDUCED, p, set);
      if (val === null || (isMap(val) && Object.keys(val).length === 0) || !c?.declared) set.insert(p);
    }
    return;
  }
  set.insert(path);
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** What changed from lhs to rhs, field by field (Compare). */
export function compare(lhs: Value | undefined, rhs: Value | undefined, node: TypeNode): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  if (lhs === undefined && rhs === undefined) return c;
  walkCompare(lhs, rhs, node, [], c);
  return c;
}

function leaf(l: Value | undefined, r: Value | undefined, path: Path, c: Comparison): void {
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
  else if (!valuesEqual(l, r)) c.modified.insert(path);
}

function walkCompare(l: Value | undefined, r: Value | undefined, node: TypeNode, path: Path, c: Comparison): void {
  const lNil = l === undefined || l === null;
  const rNil = r === undefined || r === null;
  if ((Array.isArray(l) || lNil) && (Array.isArray(r) || rNil) && (Array.isArray(l) || Array.isArray(r))) {
    const ll = (Array.isArray(l) ? l : []) as Value[];
    const rl = (Array.isArray(r) ? r : []) as Value[];
    if (node.listType().type === 'atomic' || (ll.length === 0 && rl.length === 0)) return leaf(l, r, path, c);
    compareListItems(ll, rl, node, path, c);
  } else if ((isMap(l) || lNil) && (isMap(r) || rNil) && (isMap(l) || isMap(r))) {
    const lm = (isMap(l) ? l : {}) as Obj;
    const rm = (isMap(r) ? r : {}) as Obj;
    if (node.mapAtomic() || (Object.keys(lm).length === 0 && Object.keys(rm).length === 0)) return leaf(l, r, path, c);
    // lhs keys, then the keys only rhs has (no set of both built)
    for (const k of Object.keys(lm)) walkCompare(lm[k], rm[k], childType(node, k), [...path, fieldPE(k)], c);
    for (const k of Object.keys(rm)) if (!Object.prototype.hasOwnProperty.call(lm, k)) walkCompare(undefined, rm[k], childType(node, k), [...path, fieldPE(k)], c);
  } else {
    return leaf(l, r, path, c);
  }
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
}

function groupByPE(list: Value[], node: TypeNode): { order: PathElement[]; groups: Map<string, Value[]> } {
  const order: PathElement[] = [];
  const groups = new Map<string, Value[]>();
  for (const item of list) {
    const pe = tryPE(node, item);
    if (!pe) continue;
    const k = serializePE(pe);
    const g = groups.get(k);
    if (g) g.push(item);
    else {
      groups.set(k, [item]);
      order.push(pe);
    }
  }
  return { order, groups };
}

function compareListItems(l: Value[], r: Value[], node: TypeNode, path: Path, c: Comparison): void {
  const L = groupByPE(l, node);
  const R = groupByPE(r, node);
  const all = [...L.order, ...R.order.filter((pe) => !L.groups.has(serializePE(pe)))];
  const item = node.item();
  for (const pe of all) {
    const k = serializePE(pe);
    const ll = L.groups.get(k) ?? [];
    const rl = R.groups.get(k) ?? [];
    const p = [...path, pe];
    if (ll.length <= 1 && rl.length <= 1) walkCompare(ll[0], rl[0], item, p, c);
    else if (ll.length >= 2 && rl.length >= 2) {
      if (!valuesEqual(ll, rl)) c.modified.insert(p);
    } else if (ll.length >= 2) {
      if (rl.length) walkCompare(undefined, rl[0], item, p, c);
      c.removed.insert(p);
    } else {
      if (ll.length) walkCompare(ll[0], undefined, item, p, c);
      c.added.insert(p);
    }
  }
}

/** Merges a partial object into a full one; rhs wins on leaves, list items keep upstream's interleaving (Merge). */
export function merge(lhs: Value | undefined, rhs: Value | undefined, node: TypeNode): Value | undefined {
  const lNil = lhs === undefined || lhs === null;
  const rNil = rhs === undefined || rhs === null;
  const keepRHS = () => (rhs !== undefined ? rhs : lhs);
  if ((Array.isArray(lhs) || lNil) && (Array.isArray(rhs) || rNil) && (Array.isArray(lhs) || Array.isArray(rhs))) {
    const ll = (Array.isArray(lhs) ? lhs : []) as Value[];
    const rl = (Array.isArray(rhs) ? rhs : []) as Value[];
    if (node.listType().type === 'atomic' || (ll.length === 0 && rl.length === 0)) return keepRHS();
    return mergeListItems(ll, rl, node);
  }
  if ((isMap(lhs) || lNil) && (isMap(rhs) || rNil) && (isMap(lhs) || isMap(rhs))) {
    const lm = (isMap(lhs) ? lhs : {}) as Obj;
    const rm = (isMap(rhs) ? rhs : {}) as Obj;
    if (node.mapAtomic() || (Object.keys(lm).length === 0 && Object.keys(rm).length === 0)) return keepRHS();
    const out: Obj = {};
    for (const k of new Set([...Object.keys(lm), ...Object.keys(rm)])) {
      const v = merge(lm[k], rm[k], childType(node, k));
      if (v !== undefined) out[k] = v;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return keepRHS();
}

function indexList(list: Value[], node: TypeNode, allowDuplicates: boolean): { pes: PathElement[]; observed: Map<string, Value> } {
  const pes: PathElement[] = [];
  const observed = new Map<string, Value>();
  list.forEach((item, i) => {
    let pe: PathElement;
    try {
      pe = listItemPE(node, item);
    } catch (e) {
      throw new Error(`element ${i}: ${(e as Error).message}`);
    }
    const k = serializePE(pe);
    if (observed.has(k) && !allowDuplicates) throw new Error(`duplicate entries for key ${peString(pe)}`);
    // duplicated items are not merged with the new value
    observed.set(k, observed.has(k) ? null : item);
    pes.push(pe);
  });
  return { pes, observed };
}

function mergeListItems(lhs: Value[], rhs: Value[], node: TypeNode): Value[] | undefined {
  const R = indexList(rhs, node, false);
  const L = indexList(lhs, node, true);
  const item = node.item();
  const out: Value[] = [];
  const has = (m: Map<string, Value>, pe: PathElement) => m.has(serializePE(pe));
  const shared = R.pes.filter((pe) => has(L.observed, pe));
  let nextShared: PathElement | undefined = shared.shift();
  const mergedRHS = new Set<string>();
  const push = (v: Value | undefined) => {
    if (v !== undefined) out.push(v);
  };
  let lI = 0;
  let rI = 0;
  while (lI < L.pes.length || rI < R.pes.length) {
    if (lI < L.pes.length && rI < R.pes.length) {
      const pe = L.pes[lI];
      if (serializePE(pe) === serializePE(R.pes[rI])) {
        mergedRHS.add(serializePE(pe));
        push(merge(L.observed.get(serializePE(pe)) ?? undefined, R.observed.get(serializePE(pe)), item));
        lI++;
        rI++;
        nextShared = shared.shift();
        continue;
      }
      if (has(R.observed, pe) && nextShared && serializePE(nextShared) !== serializePE(pe)) {
        lI++;
        continue;
      }
    }
    if (lI < L.pes.length) {
      const pe = L.pes[lI];
      if (!has(R.observed, pe)) {
        push(merge(lhs[lI], undefined, item));
        lI++;
        continue;
      } else if (mergedRHS.has(serializePE(pe))) {
        lI++;
      }
    }
    if (rI < R.pes.length) {
      const pe = R.pes[rI];
      const k = serializePE(pe);
      mergedRHS.add(k);
      push(merge(L.observed.get(k) ?? undefined, R.observed.get(k), item));
      rI++;
      if (nextShared && serializePE(nextShared) === k) nextShared = shared.shift();
    }
  }
  return out.length ? out : undefined;
}

/** Removes (or, with extract, keeps only) the given fields and list items (RemoveItems / ExtractItems). */
export function removeItems(v: Value | undefined, toRemove: FieldSet, node: TypeNode, extract = false): Value | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) {
    if (v.length === 0 || node.listType().type === 'atomic') return extract ? v : undefined;
    const out: Value[] = [];
    for (const item of v) {
      const pe = tryPE(node, item);
      if (!pe) continue;
      const exact = toRemove.hasMember(pe);
      const sub = toRemove.withPrefix(pe);
      const prefix = !sub.empty();
      let x: Value | undefined = item;
      if (extract) {
        if (prefix) x = removeItems(item, sub, node.item(), true);
        if ((exact || prefix) && x !== undefined) out.push(x);
      } else {
        if (exact) continue;
        if (prefix) x = removeItems(item, sub, node.item(), false);
        if (x !== undefined) out.push(x);
      }
    }
    return out.length ? out : undefined;
  }
  if (isMap(v)) {
    if (Object.keys(v).length === 0 || node.mapAtomic()) return extract ? v : undefined;
    const out: Obj = {};
    for (const [k, val] of Object.entries(v)) {
      const pe = fieldPE(k);
      const t = childType(node, k);
      if (toRemove.hasMember(pe)) {
        if (extract) {
          const x = removeItems(val, toRemove, t, true);
          if (x !== undefined) out[k] = x;
        }
        continue;
      }
      const sub = toRemove.withPrefix(pe);
      if (!sub.empty()) {
        const x = removeItems(val, sub, t, extract);
        if (x !== undefined && x !== null) out[k] = x;
      } else if (!extract) out[k] = val;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v;
}

/** Adds the declared struct fields above every member as members too (EnsureNamedFieldsAreMembers). */
export function ensureNamedFieldsAreMembers(set: FieldSet, node: TypeNode): FieldSet {
  const out = new FieldSet();
  for (const [k, pe] of set.members) out.addMember(k, pe);
  for (const [k, n] of set.children) {
    let t: TypeNode;
    if ('field' in n.pe) {
      const c = node.child(n.pe.field);
      if (c?.declared) out.addMember(k, n.pe);
      t = c?.node ?? DEDUCED;
    } else t = node.item();
    out.addChild(k, { pe: n.pe, set: ensureNamedFieldsAreMembers(n.set, t) });
  }
  return out;
}

/** Schema violations of an applied configuration, in upstream's wording (`.spec.foo: field not declared in schema`). */
export function validate(v: Value, node: TypeNode, allowDuplicates = false): string[] {
  const errs: { path: string; msg: string }[] = [];
  walkValidate(v, node, [], errs, allowDuplicates);
  return errs.map((e) => (e.path ? `${e.path}: ${e.msg}` : e.msg));
}

function walkValidate(v: Value, node: TypeNode, path: Path, errs: { path: string; msg: string }[], allowDuplicates: boolean): void {
  if (Array.isArray(v)) {
    const lt = node.listType();
    const seen = new Set<string>();
    for (let i = 0; i < v.length; i++) {
      let pe: PathElement = { index: i };
      if (lt.type !== 'atomic') {
        try {
          pe = listItemPE(node, v[i]);
        } catch (e) {
          errs.push({ path: pathString(path), msg: `element ${i}: ${(e as Error).message}` });
          return;
        }
        const k = serializePE(pe);
        if (seen.has(k) && !allowDuplicates) errs.push({ path: pathString(path), msg: `duplicate entries for key ${peString(pe)}` });
        seen.add(k);
      }
      walkValidate(v[i], node.item(), [...path, pe], errs, allowDuplicates);
    }
    return;
  }
  if (isMap(v)) {
    for (const [k, val] of Object.entries(v)) {
      const c = node.child(k);
      if (!c) {
        errs.push({ path: pathString([...path, fieldPE(k)]), msg: 'field not declared in schema' });
        return;
      }
      walkValidate(val, c.node, [...path, fieldPE(k)], errs, allowDuplicates);
    }
  }
}
