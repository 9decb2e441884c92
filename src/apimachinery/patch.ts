// RFC 7386 merge patch, RFC 6902 JSON patch and strategic merge patch (k8s.io/apimachinery strategicpatch,
// server side: parallel lists merged, unmatched nulls ignored) with merge keys from the schema.
import fjp from 'fast-json-patch';
import { StatusError, badRequest } from './errors.js';
import type { TypeNode } from './managedfields/type-node.js';
import { DEDUCED } from './managedfields/type-node.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  const doc = structuredClone(target);
  try {
    const res = fjp.applyPatch(doc, ops as fjp.Operation[], true, true);
    return res.newDocument;
  } catch (e) {
    const err = e as { name?: string; message: string; operation?: { op?: string; path?: string } };
    const op = err.operation?.op ?? '';
    const path = err.operation?.path ?? '';
    let msg = err.message.split('\n')[0];
    if (err.name === 'TEST_OPERATION_FAILED') msg = `testing value ${path} failed: test failed`;
    else if (err.name === 'OPERATION_PATH_UNRESOLVABLE' || err.name === 'OPERATION_PATH_CANNOT_ADD') msg = `${op} operation does not apply: doc is missing path: "${path}": missing value`;
    throw unprocessable(msg);
  }
}

/** Upstream's generic 422 whose one cause carries the patch library's message. */
function unprocessable(msg: string): StatusError {
  return new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', { causes: [{ reason: 'UnexpectedServerResponse', message: msg }] });
}

/** An error upstream returns unwrapped: 500 without a reason. */
function internal(msg: string): StatusError {
  return new StatusError(500, '', msg);
}

const ERR_PRIMITIVE_LIST = () => badRequest('invalid patch format of primitive list');
const ERR_RETAIN_KEYS = () => badRequest('invalid patch format of retainKeys');
const ERR_SET_ORDER = () => badRequest('invalid patch format of setElementOrder list');

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM = '$deleteFromPrimitiveList';
const SET_ORDER = '$setElementOrder';

/** Go's fmt %v of a decoded JSON value (maps print sorted as map[k:v]). */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (isObj(v))
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goValue(v[k])}`)
      .join(' ')}]`;
  return String(v);
}

function goType(v: unknown): string {
  if (Array.isArray(v)) return '[]interface {}';
  if (isObj(v)) return 'map[string]interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'boolean') return 'bool';
  return '<nil>';
}

function errNoMergeKey(m: Obj, k: string): StatusError {
  return internal(`map: ${goValue(m)} does not contain declared merge key: ${k}`);
}

function childOf(node: TypeNode, k: string): TypeNode {
  return node.child(k)?.node ?? DEDUCED;
}

/** The strategy without retainKeys ("merge,retainKeys" → "merge"), as extractRetainKeysPatchStrategy. */
function strategyOf(node: TypeNode): string {
  const parts = (node.patchStrategy() ?? '').split(',').filter((s) => s && s !== 'retainKeys');
  return parts[0] ?? '';
}

/**
 * Applies a strategic merge patch. `schema` gives patch strategies and merge keys
 * (x-kubernetes-patch-strategy / -merge-key); without one nothing merges by key.
 */
export function strategicMergePatch(original: unknown, patch: unknown, schema: TypeNode = DEDUCED): unknown {
  if (!isObj(patch)) throw badRequest(`json: cannot unmarshal ${Array.isArray(patch) ? 'array' : typeof patch === 'string' ? 'string' : typeof patch === 'number' ? 'number' : 'bool'} into Go value of type map[string]interface {}`);
  return mergeMap(isObj(original) ? structuredClone(original) : {}, structuredClone(patch), schema);
}

function mergeMap(original: Obj | undefined, patch: Obj, node: TypeNode): Obj {
  if (DIRECTIVE in patch) {
    const d = patch[DIRECTIVE];
    if (d === 'replace') {
      delete patch[DIRECTIVE];
      return patch;
    }
    if (d === 'delete') return {};
    throw internal(`unknown patch type: ${goValue(d)} in map: ${goValue(patch)}`);
  }
  const orig = original ?? {};
  applyRetainKeys(orig, patch);
  mergeSetElementOrder(orig, patch, node);
  for (let [k, patchV] of Object.entries(patch)) {
    let isDeleteList = false;
    if (k.startsWith(DELETE_FROM)) {
      const parts = k.split('/');
      if (parts.length < 2 || parts[0] !== DELETE_FROM) throw ERR_PRIMITIVE_LIST();
      k = k.slice(DELETE_FROM.length + 1);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete orig[k];
      continue;
    }
    const cur = orig[k];
    const sameType = k in orig && goType(cur) === goType(patchV);
    if (!sameType) {
      if (!isDeleteList) {
        discardNulls(patchV);
        const [v, keep] = removeDirectives(patchV);
        if (keep) orig[k] = v;
        else delete orig[k];
      }
      continue;
    }
    const sub = childOf(node, k);
    if (isObj(cur)) orig[k] = strategyOf(sub) === 'replace' ? patchV : mergeMap(cur, patchV as Obj, sub);
    else if (Array.isArray(cur)) orig[k] = mergeSliceHandler(cur, patchV, sub, strategyOf(sub), sub.patchMergeKey() ?? '', isDeleteList);
    else {
      const [v, keep] = removeDirectives(patchV);
      if (keep) orig[k] = v;
      else delete orig[k];
    }
  }
  return orig;
}

function applyRetainKeys(original: Obj, patch: Obj): void {
  if (!(RETAIN_KEYS in patch)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw ERR_RETAIN_KEYS();
  const keep = new Set(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM) || k.startsWith(SET_ORDER)) continue;
    if (!keep.has(k)) throw ERR_RETAIN_KEYS();
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

function mergeSetElementOrder(original: Obj, patch: Obj, node: TypeNode): void {
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    delete patch[key];
    if (!Array.isArray(order)) throw internal(`expected a []interface {}, but received a ${goType(order)}`);
    const parts = key.split('/');
    if (parts.length < 2 || parts[0] !== SET_ORDER) throw ERR_SET_ORDER();
    const field = key.slice(SET_ORDER.length + 1);
    const origList = original[field];
    const patchList = patch[field];
    const foundOrig = field in original;
    const foundPatch = field in patch;
    if (foundOrig && !Array.isArray(origList)) throw internal(`expected a []interface {}, but received a ${goType(origList)}`);
    if (foundPatch && !Array.isArray(patchList)) throw internal(`expected a []interface {}, but received a ${goType(patchList)}`);
    const sub = childOf(node, field);
    const mergeKey = sub.patchMergeKey() ?? '';
    validateWithSetOrder((patchList as unknown[]) ?? [], order, mergeKey);
    let merged: unknown[];
    if (foundOrig && !foundPatch) merged = origList as unknown[];
    else if (!foundOrig && foundPatch) merged = removeDirectives(patchList)[0] as unknown[];
    else if (foundOrig && foundPatch) merged = mergeSliceHandler(origList as unknown[], patchList, sub, strategyOf(sub), mergeKey, false);
    else continue;
    const [patchItems, serverOnly] = mergeKey ? partitionMaps(merged, order, mergeKey) : partitionPrimitives(merged, order);
    const kind = sliceElementKind((origList as unknown[]) ?? [], (patchList as unknown[]) ?? []);
    original[field] = normalizeElementOrder(patchItems, serverOnly, order, (origList as unknown[]) ?? [], mergeKey, kind);
    delete patch[field];
  }
}

function validateWithSetOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? patchList.filter((v) => !(isObj(v) && v[DIRECTIVE] === 'delete')) : patchList;
  let pi = 0;
  let si = 0;
  while (pi < nonDelete.length && si < order.length) {
    const p = nonDelete[pi];
    if (isObj(p) && DIRECTIVE in p) {
      pi++;
      continue;
    }
    if (mergeKeyValueEqual(p, order[si], mergeKey)) pi++;
    si++;
  }
  if (pi < nonDelete.length && si >= order.length)
    throw internal(`The order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ORDER} list:\n${goValue(order)}\n`);
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isObj(left)) throw internal(`expected a map[string]interface {}, but received a ${goType(left)}`);
  if (!isObj(right)) throw internal(`expected a map[string]interface {}, but received a ${goType(right)}`);
  if (!(mergeKey in left)) throw errNoMergeKey(left, mergeKey);
  if (!(mergeKey in right)) throw errNoMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

function mergeSliceHandler(original: unknown[], patch: unknown, node: TypeNode, strategy: string, mergeKey: string, isDeleteList: boolean): unknown[] {
  if (!Array.isArray(patch)) throw internal(`expected a []interface {}, but received a ${goType(patch)}`);
  if (strategy === 'merge' || isDeleteList) return mergeSlice(original, patch, node, mergeKey, isDeleteList);
  return patch;
}

type Kind = 'map' | 'scalar';

function sliceElementKind(...lists: unknown[][]): Kind {
  let prev: string | undefined;
  for (const l of lists)
    for (const v of l) {
      const t = goType(v);
      if (prev === undefined) {
        if (t === '[]interface {}') throw unprocessable('lists of lists are not supported');
        prev = t;
      } else if (prev !== t) throw internal(`list element types are not identical: ${lists.map(goValue).join(' ')}`);
    }
  if (prev === undefined) throw internal('no elements in any of the given slices');
  return prev === 'map[string]interface {}' ? 'map' : 'scalar';
}

function mergeSlice(original: unknown[], patch: unknown[], node: TypeNode, mergeKey: string, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch);
  let merged: unknown[];
  if (kind !== 'map') {
    if (isDeleteList) return original.filter((v) => !patch.includes(v));
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw internal('cannot merge lists without merge key');
    [original, patch] = mergeSliceWithSpecialElements(original, patch, mergeKey);
    merged = mergeSliceWithoutSpecialElements(original, patch, mergeKey, node.item());
  }
  const [patchItems, serverOnly] = mergeKey ? partitionMaps(merged, patch, mergeKey) : partitionPrimitives(merged, patch);
  return normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
}

function mergeSliceWithSpecialElements(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const plain: unknown[] = [];
  let replace = false;
  for (const v of patch) {
    const m = v as Obj;
    if (!(DIRECTIVE in m)) {
      plain.push(v);
      continue;
    }
    const d = m[DIRECTIVE];
    if (d === 'delete') {
      if (!(mergeKey in m)) throw errNoMergeKey(m, mergeKey);
      original = original.filter((o) => !(isObj(o) && o[mergeKey] === m[mergeKey]));
    } else if (d === 'replace') replace = true;
    else if (d === 'merge') throw internal('merging lists cannot yet be specified in the patch');
    else throw internal(`unknown patch type: ${goValue(d)} in map: ${goValue(m)}`);
  }
  return replace ? [plain, []] : [original, plain];
}

function mergeSliceWithoutSpecialElements(original: unknown[], patch: unknown[], mergeKey: string, item: TypeNode): unknown[] {
  const out = [...original];
  for (const v of patch) {
    const m = v as Obj;
    if (!(mergeKey in m)) throw errNoMergeKey(m, mergeKey);
    const i = out.findIndex((o) => {
      if (!isObj(o)) throw internal(`value for key ${out.indexOf(o)} is not a map`);
      return o[mergeKey] === m[mergeKey];
    });
    if (i >= 0) out[i] = mergeMap(out[i] as Obj, m, item);
    else out.push(removeDirectives(m)[0]);
  }
  return out;
}

/** Upstream's in-place dedupe (a duplicate is replaced by the last element). */
function deduplicateScalars(s: unknown[]): unknown[] {
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length];
        s = s.slice(0, length);
        length--;
        j--;
      }
    }
  }
  return s;
}

function partitionPrimitives(list: unknown[], by: unknown[]): [unknown[], unknown[]] {
  const inPatch = new Set(by);
  return [list.filter((v) => inPatch.has(v)), list.filter((v) => !inPatch.has(v))];
}

function partitionMaps(list: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) {
    if (!isObj(v)) throw internal(`expected a map[string]interface {}, but received a ${goType(v)}`);
    if (!(mergeKey in v)) throw errNoMergeKey(v, mergeKey);
    if (by.some((o) => isObj(o) && o[mergeKey] === v[mergeKey])) patch.push(v);
    else serverOnly.push(v);
  }
  return [patch, serverOnly];
}

function indexIn(l: unknown[], v: unknown, mergeKey: string, kind: Kind): number {
  const get = (x: unknown) => (kind === 'map' ? (isObj(x) ? x[mergeKey] : undefined) : x);
  const want = get(v);
  return l.findIndex((x) => get(x) === want);
}

/** Go's sort.SliceStable on small slices is an insertion sort; kept so odd orders match upstream. */
function stableSort(a: unknown[], less: (x: unknown, y: unknown) => boolean): unknown[] {
  const s = [...a];
  for (let i = 1; i < s.length; i++) for (let j = i; j > 0 && less(s[j], s[j - 1]); j--) [s[j], s[j - 1]] = [s[j - 1], s[j]];
  return s;
}

function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: Kind): unknown[] {
  let toDelete: unknown[] = [];
  if (kind === 'map') {
    for (const l of [toSort, order]) for (const v of l) if (isObj(v) && !(mergeKey in v)) throw errNoMergeKey(v, mergeKey);
    toDelete = toSort.filter((v) => isObj(v) && v[DIRECTIVE] === 'delete');
    toSort = toSort.filter((v) => !(isObj(v) && v[DIRECTIVE] === 'delete'));
  }
  const sorted = stableSort(toSort, (x, y) => {
    const ii = indexIn(order, x, mergeKey, kind);
    if (ii >= 0) {
      const ij = indexIn(order, y, mergeKey, kind);
      if (ij >= 0) return ii < ij;
    }
    return true;
  });
  return [...sorted, ...toDelete];
}

function normalizeElementOrder(patch: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string, kind: Kind): unknown[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < s.length || j < p.length) {
    if (i >= s.length) out.push(p[j++]);
    else if (j >= p.length) out.push(s[i++]);
    else {
      const li = indexIn(serverOrder, s[i], mergeKey, kind);
      const ri = indexIn(serverOrder, p[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(s[i++]);
      else out.push(p[j++]);
    }
  }
  return out;
}

/** Drops maps carrying `$patch` and any other directive keys from a value taken whole from a patch. */
function removeDirectives(v: unknown): [unknown, boolean] {
  if (isObj(v)) {
    if (DIRECTIVE in v) return [undefined, false];
    for (const [k, x] of Object.entries(v)) {
      if (k.startsWith('$')) {
        delete v[k];
        continue;
      }
      const [y, keep] = removeDirectives(x);
      if (keep) v[k] = y;
      else delete v[k];
    }
    return [v, true];
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const [y, keep] = removeDirectives(x);
      if (keep) out.push(y);
    }
    return [out, true];
  }
  return [v, true];
}

function discardNulls(v: unknown): void {
  if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) delete v[k];
      else discardNulls(x);
    }
  } else if (Array.isArray(v)) for (const x of v) discardNulls(x);
}
