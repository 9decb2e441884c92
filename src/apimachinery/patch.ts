// RFC 7386 merge patch, RFC 6902 JSON patch and strategic merge patch for built-in kinds.
import fjp from 'fast-json-patch';
import { StatusError, badRequest } from './errors.js';

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
    // upstream answers a failed JSON patch with a generic 422 whose one cause carries the patch library's message
    throw new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', { causes: [{ reason: 'UnexpectedServerResponse', message: msg }] });
  }
}

// Merge keys of built-in lists with patchStrategy "merge" (by field name; `ports` depends on its items).
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  resourceClaims: 'name',
  topologySpreadConstraints: 'topologyKey',
  addresses: 'type',
  taints: 'key',
};
// Lists of scalars merged as sets.
const MERGE_PRIMITIVE = new Set(['finalizers']);

function mergeKeyFor(field: string, items: unknown[]): string | undefined {
  if (field === 'ports') {
    const sample = items.find(isObj);
    if (sample && 'containerPort' in sample) return 'containerPort';
    if (sample && 'port' in sample) return 'port';
    return undefined;
  }
  return MERGE_KEYS[field];
}

export function strategicMergePatch(original: unknown, patch: unknown): unknown {
  if (!isObj(patch)) throw badRequest('unable to find api field in struct for the patch');
  return smpObject(isObj(original) ? original : {}, patch);
}

function smpObject(orig: Obj, patch: Obj): Obj | undefined {
  const directive = patch['$patch'];
  if (directive === 'delete') return undefined;
  if (directive === 'replace') {
    const r: Obj = {};
    for (const [k, v] of Object.entries(patch)) if (k !== '$patch') r[k] = stripDirectives(v);
    return r;
  }
  let out: Obj = { ...orig };
  const retain = patch['$retainKeys'];
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const f = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[f]) && Array.isArray(v)) out[f] = (out[f] as unknown[]).filter((x) => !v.includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = out[k];
    if (isObj(v)) {
      const merged = smpObject(isObj(cur) ? cur : {}, v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else if (Array.isArray(v)) {
      out[k] = smpList(k, Array.isArray(cur) ? cur : [], v, patch[`$setElementOrder/${k}`]);
    } else {
      out[k] = v;
    }
  }
  for (const k of Object.keys(patch)) {
    if (!k.startsWith('$setElementOrder/')) continue;
    const f = k.slice('$setElementOrder/'.length);
    if (!(f in patch) && Array.isArray(out[f])) out[f] = smpList(f, out[f] as unknown[], [], patch[k]);
  }
  if (Array.isArray(retain)) {
    const keep = new Set(retain as string[]);
    const r: Obj = {};
    for (const [k, v] of Object.entries(out)) if (keep.has(k)) r[k] = v;
    out = r;
  }
  return out;
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObj(v)) return v;
  const r: Obj = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) r[k] = stripDirectives(x);
  return r;
}

function smpList(field: string, orig: unknown[], patch: unknown[], order: unknown): unknown[] {
  if (MERGE_PRIMITIVE.has(field)) {
    const out = [...orig];
    for (const x of patch) if (!out.includes(x)) out.push(x);
    return applyOrder(out, order, undefined);
  }
  const key = mergeKeyFor(field, [...patch, ...orig]);
  if (!key) {
    if (patch.some((p) => isObj(p) && p['$patch'] === 'replace')) return patch.filter((p) => !(isObj(p) && p['$patch'])).map(stripDirectives);
    return patch.map(stripDirectives);
  }
  if (patch.some((p) => isObj(p) && p['$patch'] === 'replace' && Object.keys(p).length === 1)) {
    return patch.filter((p) => !(isObj(p) && p['$patch'] === 'replace')).map(stripDirectives);
  }
  const out: unknown[] = orig.map((x) => x);
  for (const p of patch) {
    if (!isObj(p)) {
      out.push(p);
      continue;
    }
    const idx = out.findIndex((o) => isObj(o) && o[key] === p[key]);
    if (p['$patch'] === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = smpObject(out[idx] as Obj, p) ?? out[idx];
    else out.push(stripDirectives(p));
  }
  return applyOrder(out, order, key);
}

function applyOrder(list: unknown[], order: unknown, key: string | undefined): unknown[] {
  if (!Array.isArray(order)) return list;
  const pos = (x: unknown) => {
    const id = key && isObj(x) ? x[key] : x;
    const i = order.findIndex((o) => (key && isObj(o) ? o[key] === id : o === id));
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return list
    .map((x, i) => ({ x, i, p: pos(x) }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .map((e) => e.x);
}
