// The list/map semantics that server-side apply and strategic merge patch need from a schema.
// `ListSemantics` is bound to the built-in schemas in schema-binding.ts; the table here of upstream's
// list types and merge keys by field name covers built-in kinds the schemas miss.
import type { Value } from './path-element.js';

export type ListType = { type: 'atomic' } | { type: 'set' } | { type: 'map'; keys: readonly string[] };

export interface ChildType {
  node: TypeNode;
  /** A field declared by a struct, as opposed to an entry of a free-form map. */
  declared: boolean;
}

export interface TypeNode {
  /** How a list value at this node merges (default atomic). */
  listType(): ListType;
  /** A map value at this node is replaced whole (`x-kubernetes-map-type: atomic` / structType=atomic). */
  mapAtomic(): boolean;
  /** The type of a map entry or struct field; undefined when the schema does not declare it. */
  child(name: string): ChildType | undefined;
  /** The type of list items. */
  item(): TypeNode;
  /** The default of a list-map key field (e.g. `protocol: TCP` for ports). */
  keyDefault(name: string): Value | undefined;
  /** Strategic merge patch metadata of this field (`x-kubernetes-patch-strategy`, `…-merge-key`). */
  patchStrategy(): string | undefined;
  patchMergeKey(): string | undefined;
}

/** Where the schema for a kind comes from; `root` returns undefined for kinds it does not know. */
export interface ListSemantics {
  root(group: string, version: string, kind: string): TypeNode | undefined;
}

/** The type of objects without a schema: maps merge key by key, lists are atomic (upstream's deduced type). */
export const DEDUCED: TypeNode = {
  listType: () => ({ type: 'atomic' }),
  mapAtomic: () => false,
  child: () => ({ node: DEDUCED, declared: false }),
  item: () => DEDUCED,
  keyDefault: () => undefined,
  patchStrategy: () => undefined,
  patchMergeKey: () => undefined,
};

type Rule = { list?: ListType; keyDefaults?: Record<string, Value>; atomic?: boolean; freeForm?: boolean; strategy?: string; mergeKey?: string };

const byName = (keys: string[], mergeKey = keys[0], keyDefaults?: Record<string, Value>): Rule => ({
  list: { type: 'map', keys },
  strategy: 'merge',
  mergeKey,
  keyDefaults,
});

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);
const FREE_FORM = new Set(['labels', 'annotations', 'data', 'binaryData', 'stringData', 'matchLabels', 'nodeSelector', 'limits', 'requests', 'capacity', 'allocatable', 'hard', 'used', 'parameters', 'overhead']);
const ATOMIC_MAPS = new Set(['podSelector', 'namespaceSelector', 'labelSelector', 'nodeSelector', 'configMapKeyRef', 'secretKeyRef', 'fieldRef', 'resourceFieldRef', 'roleRef', 'involvedObject', 'targetRef', 'configMapRef', 'secretRef']);

/** Upstream's list types and patch strategies of built-in kinds, by field name and context. */
function ruleFor(names: readonly string[], kind: string): Rule | undefined {
  const n = names[names.length - 1];
  const parent = names[names.length - 2];
  const grand = names[names.length - 3];
  switch (n) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
    case 'schedulingGates':
      return byName(['name']);
    case 'env':
      return parent === '[]' && CONTAINER_LISTS.has(grand) ? byName(['name']) : undefined;
    case 'volumeMounts':
      return byName(['mountPath']);
    case 'volumeDevices':
      return byName(['devicePath']);
    case 'conditions':
      return byName(['type']);
    case 'ownerReferences':
      return byName(['uid']);
    case 'hostAliases':
      return byName(['ip']);
    case 'topologySpreadConstraints':
      return byName(['topologyKey', 'whenUnsatisfiable'], 'topologyKey');
    case 'ports':
      if (parent === '[]' && CONTAINER_LISTS.has(grand)) return byName(['containerPort', 'protocol'], 'containerPort', { protocol: 'TCP' });
      if (kind === 'Service' && parent === 'spec' && names.length === 2) return byName(['port', 'protocol'], 'port', { protocol: 'TCP' });
      return undefined;
    case 'finalizers':
      return parent === 'metadata' ? { list: { type: 'set' }, strategy: 'merge' } : undefined;
    case 'podCIDRs':
      return { list: { type: 'set' }, strategy: 'merge' };
    case 'addresses':
      return kind === 'Node' && parent === 'status' ? { strategy: 'merge', mergeKey: 'type' } : undefined;
    case 'selector':
      return { atomic: true, freeForm: kind === 'Service' || kind === 'ReplicationController' };
  }
  if (ATOMIC_MAPS.has(n)) return { atomic: true, freeForm: FREE_FORM.has(n) };
  if (FREE_FORM.has(n)) return { freeForm: true };
  return undefined;
}

class BuiltinNode implements TypeNode {
  private readonly rule: Rule | undefined;
  constructor(
    private readonly kind: string,
    private readonly names: readonly string[],
    private readonly inFreeForm = false,
  ) {
    this.rule = inFreeForm ? undefined : ruleFor(names, kind);
  }
  listType(): ListType {
    return this.rule?.list ?? { type: 'atomic' };
  }
  mapAtomic(): boolean {
    return !!this.rule?.atomic;
  }
  child(name: string): ChildType {
    const freeForm = !!this.rule?.freeForm || this.inFreeForm;
    return { node: new BuiltinNode(this.kind, [...this.names, name], freeForm), declared: !freeForm };
  }
  item(): TypeNode {
    return new BuiltinNode(this.kind, [...this.names, '[]'], this.inFreeForm);
  }
  keyDefault(name: string): Value | undefined {
    return this.rule?.keyDefaults?.[name];
  }
  patchStrategy(): string | undefined {
    return this.rule?.strategy;
  }
  patchMergeKey(): string | undefined {
    return this.rule?.mergeKey;
  }
}

const BUILTIN_GROUPS = new Set(['', 'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'events.k8s.io', 'scheduling.k8s.io', 'node.k8s.io', 'certificates.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'apiregistration.k8s.io', 'flowcontrol.apiserver.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'resource.k8s.io', 'storagemigration.k8s.io', 'internal.apiserver.k8s.io']);

export const FALLBACK_SEMANTICS: ListSemantics = {
  root(group, _version, kind) {
    return BUILTIN_GROUPS.has(group) ? new BuiltinNode(kind, []) : undefined;
  },
};
