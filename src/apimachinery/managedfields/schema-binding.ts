// ListSemantics backed by the built-in schemas (src/schema), as kube-openapi's schemaconv reads them:
// x-kubernetes-list-type/-map-keys, else patch strategy merge (+merge key) → associative, else atomic.
import { resolveType, schemaFor, type FieldSchema, type TypeSchema } from '../../schema/index.js';
import type { Value } from './path-element.js';
import { DEDUCED, FALLBACK_SEMANTICS, type ChildType, type ListSemantics, type ListType, type TypeNode } from './type-node.js';

const SCALAR: TypeNode = {
  listType: () => ({ type: 'atomic' }),
  mapAtomic: () => true,
  child: () => undefined,
  item: () => SCALAR,
  keyDefault: () => undefined,
  patchStrategy: () => undefined,
  patchMergeKey: () => undefined,
};

const nodes = new WeakMap<FieldSchema | TypeSchema, TypeNode>();

function structOf(t: TypeSchema): TypeSchema | undefined {
  return t.properties && !t.opaque ? t : undefined;
}

class FieldNode implements TypeNode {
  private readonly type: TypeSchema | undefined;
  constructor(private readonly f: FieldSchema) {
    this.type = f.ref ? resolveType(f.ref) : undefined;
  }

  listType(): ListType {
    const f = this.f;
    if (f.listType === 'atomic') return { type: 'atomic' };
    if (f.listType === 'set') return { type: 'set' };
    if (f.listType === 'map') return { type: 'map', keys: f.listMapKeys ?? [] };
    if (f.patchStrategy === 'merge' || f.patchStrategy === 'merge,retainKeys') return f.patchMergeKey ? { type: 'map', keys: [f.patchMergeKey] } : { type: 'set' };
    return { type: 'atomic' };
  }

  mapAtomic(): boolean {
    return this.f.mapType === 'atomic' || this.type?.mapType === 'atomic';
  }

  child(name: string): ChildType | undefined {
    if (this.f.additionalProperties) return { node: fieldNode(this.f.additionalProperties), declared: false };
    const t = this.type;
    if (!t) return { node: DEDUCED, declared: false };
    const s = structOf(t);
    if (!s) return t.opaque || t.type === 'object' ? { node: DEDUCED, declared: false } : undefined;
    const p = s.properties![name];
    return p ? { node: fieldNode(p), declared: true } : undefined;
  }

  item(): TypeNode {
    return this.f.items ? fieldNode(this.f.items) : DEDUCED;
  }

  keyDefault(name: string): Value | undefined {
    // the only list-map keys with an OpenAPI default upstream: ports' protocol
    return name === 'protocol' ? 'TCP' : undefined;
  }

  patchStrategy(): string | undefined {
    return this.f.patchStrategy;
  }

  patchMergeKey(): string | undefined {
    return this.f.patchMergeKey;
  }
}

function fieldNode(f: FieldSchema): TypeNode {
  if (!f.ref && !f.items && !f.additionalProperties && f.type && f.type !== 'object') return SCALAR;
  let n = nodes.get(f);
  if (!n) {
    const t = f.ref ? resolveType(f.ref) : undefined;
    n = t?.opaque ? DEDUCED : t && t.type !== 'object' ? SCALAR : new FieldNode(f);
    nodes.set(f, n);
  }
  return n;
}

export const SCHEMA_SEMANTICS: ListSemantics = {
  root(group, version, kind) {
    const t = schemaFor(group, version, kind);
    return t ? fieldNode({ ref: t.name }) : undefined;
  },
};

const roots = new Map<string, { node: TypeNode; deduced: boolean }>();

/** The type of a kind: its built-in schema, else upstream's merge-key table, else deduced (custom resources). */
export function typeFor(group: string, version: string, kind: string): { node: TypeNode; deduced: boolean } {
  const k = `${group}/${version}/${kind}`;
  let r = roots.get(k);
  if (!r) {
    const n = SCHEMA_SEMANTICS.root(group, version, kind) ?? FALLBACK_SEMANTICS.root(group, version, kind);
    r = n ? { node: n, deduced: false } : { node: DEDUCED, deduced: true };
    roots.set(k, r);
  }
  return r;
}
