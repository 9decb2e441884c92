// The garbage collector's dependency graph as upstream's graph builder keeps it: one node per uid, owners
// from ownerReferences, "virtual" nodes for owners not observed yet, and the transitions (foreground and
// orphan deletion, owners gone) that tell which nodes the collector must look at.
import type { GVR, KObject } from '../client/types.js';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Who an object is: the owner reference coordinates and the namespace ('' for cluster-scoped or unknown scope). */
export interface Identity {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  namespace: string;
}

const NO_DEPENDENTS: ReadonlySet<GraphNode> = new Set();
const NO_OWNERS: OwnerReference[] = [];
const NO_DIFFS = { added: NO_OWNERS, removed: NO_OWNERS, changed: NO_OWNERS };

export class GraphNode {
  // most objects have no dependents: their set is made on the first one (a graph node per object in the cluster)
  private deps?: Set<GraphNode>;
  owners: OwnerReference[] = NO_OWNERS;
  /** Created for an owner reference; not seen through an informer yet. */
  virtual = true;
  beingDeleted = false;
  /** Being deleted with the foregroundDeletion finalizer: waits for its blocking dependents. */
  deletingDependents = false;
  /** The resource it was observed through. */
  gvr?: GVR;

  constructor(public identity: Identity) {}

  get dependents(): ReadonlySet<GraphNode> {
    return this.deps ?? NO_DEPENDENTS;
  }

  addDependent(d: GraphNode): void {
    (this.deps ??= new Set()).add(d);
  }

  deleteDependent(d: GraphNode): void {
    this.deps?.delete(d);
  }

  /** Dependents whose reference to this node has blockOwnerDeletion. */
  blockingDependents(): GraphNode[] {
    return [...this.dependents].filter((d) => d.owners.some((o) => o.uid === this.identity.uid && o.blockOwnerDeletion === true));
  }
}

/** What the graph asks the collector to look at after a change. */
export interface GraphActions {
  attemptToDelete: GraphNode[];
  attemptToOrphan: GraphNode[];
}

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
const hasFinalizer = (o: KObject | undefined, f: string) => !!o?.metadata?.finalizers?.includes(f);
const beingDeleted = (o: KObject | undefined) => !!o?.metadata?.deletionTimestamp;

/** The resource an object was observed through; list items carry no apiVersion or kind of their own. */
export interface ObservedResource extends GVR {
  kind: string;
}

// one apiVersion string and one GVR per observed resource, shared by the nodes of all its objects
const apiVersions = new WeakMap<ObservedResource, string>();
const gvrs = new WeakMap<ObservedResource, GVR>();

function apiVersionOf(res: ObservedResource): string {
  let v = apiVersions.get(res);
  if (v === undefined) apiVersions.set(res, (v = res.group ? `${res.group}/${res.version}` : res.version));
  return v;
}

function gvrOf(res: ObservedResource): GVR {
  let g = gvrs.get(res);
  if (!g) gvrs.set(res, (g = { group: res.group, version: res.version, resource: res.resource, namespaced: res.namespaced }));
  return g;
}

export function identityOf(obj: KObject, res?: ObservedResource): Identity {
  const m = obj.metadata ?? {};
  const apiVersion = res ? apiVersionOf(res) : (obj.apiVersion ?? '');
  return { apiVersion, kind: res?.kind ?? obj.kind ?? '', name: m.name ?? '', uid: m.uid ?? '', namespace: m.namespace ?? '' };
}

/** Same object coordinates; versions of one group are the same object. */
export function sameIdentity(a: Identity, b: Identity): boolean {
  return a.uid === b.uid && a.kind === b.kind && a.name === b.name && a.namespace === b.namespace && groupOf(a.apiVersion) === groupOf(b.apiVersion);
}

/** Whether a dependent's reference to `owner.uid` agrees with the owner's observed identity (a cluster-scoped owner suits any namespace). */
function referencesMatch(dep: GraphNode, owner: Identity): boolean {
  const ref = dep.owners.find((o) => o.uid === owner.uid);
  if (!ref) return false;
  if (ref.kind !== owner.kind || ref.name !== owner.name || groupOf(ref.apiVersion) !== groupOf(owner.apiVersion)) return false;
  return owner.namespace === '' || dep.identity.namespace === owner.namespace;
}

function partition(deps: Iterable<GraphNode>, owner: Identity): [GraphNode[], GraphNode[]] {
  const match: GraphNode[] = [];
  const other: GraphNode[] = [];
  for (const d of deps) (referencesMatch(d, owner) ? match : other).push(d);
  return [match, other];
}

export class DependencyGraph {
  readonly nodes = new Map<string, GraphNode>();

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  /** An object added or updated as an informer saw it. */
  observe(obj: KObject, res: ObservedResource, oldObj?: KObject): GraphActions {
    const acts: GraphActions = { attemptToDelete: [], attemptToOrphan: [] };
    const uid: string = obj.metadata?.uid ?? '';
    if (!uid) return acts;
    let node = this.nodes.get(uid);
    // an observed node keeps its identity: the object's is only worked out for a new or virtual one
    if (node?.virtual) {
      const id = identityOf(obj, res);
      // a virtual node's dependents that named the object otherwise are checked against the API
      if (!sameIdentity(node.identity, id)) for (const d of partition(node.dependents, id)[1]) acts.attemptToDelete.push(d);
      node.identity = id;
      node.virtual = false;
    } else if (!node) {
      node = new GraphNode(identityOf(obj, res));
      node.virtual = false;
      this.nodes.set(uid, node);
    }
    node.gvr = gvrOf(res);
    const refs: OwnerReference[] = obj.metadata.ownerReferences ?? NO_OWNERS;
    // most updates leave the owners as they were (most objects have none)
    const { added, removed, changed } = sameReferences(node.owners, refs) ? NO_DIFFS : referenceDiffs(node.owners, refs);
    if (added.length || removed.length || changed.length) {
      // owners waiting for this dependent to go may go on once it stops blocking them
      for (const r of [...removed, ...changed]) {
        const o = this.nodes.get(r.uid);
        if (o?.deletingDependents && r.blockOwnerDeletion) acts.attemptToDelete.push(o);
      }
      node.owners = refs;
      this.addToOwners(node, added, acts);
      for (const r of removed) this.nodes.get(r.uid)?.deleteDependent(node);
    }
    if (beingDeleted(obj)) node.beingDeleted = true;
    this.transitions(node, obj, oldObj, acts);
    return acts;
  }

  /** An object deleted, as observed (virtual: not found by the collector, the identity as it asked). */
  remove(id: Identity, virtualEvent = false): GraphActions {
    const acts: GraphActions = { attemptToDelete: [], attemptToOrphan: [] };
    const node = this.nodes.get(id.uid);
    if (!node) return acts;
    if (virtualEvent) {
      const [match, other] = partition(node.dependents, id);
      if (other.length && (node.virtual || !sameIdentity(node.identity, id))) {
        // some dependents name this uid otherwise: the node stays, those that agree with the absent identity go
        acts.attemptToDelete.push(...match);
        if (node.virtual && sameIdentity(node.identity, id)) {
          const ref = other[0]!.owners.find((o) => o.uid === id.uid)!;
          node.identity = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace: other[0]!.identity.namespace };
          acts.attemptToDelete.push(node);
        }
        return acts;
      }
      if (!node.virtual && !sameIdentity(node.identity, id)) return acts;
    }
    this.nodes.delete(id.uid);
    for (const r of node.owners) {
      const o = this.nodes.get(r.uid);
      if (!o) continue;
      o.deleteDependent(node);
      // an owner deleting its dependents looks again whether any still block it
      if (o.deletingDependents) acts.attemptToDelete.push(o);
    }
    acts.attemptToDelete.push(...node.dependents);
    return acts;
  }

  private addToOwners(node: GraphNode, refs: OwnerReference[], acts: GraphActions): void {
    let suspicious = false;
    for (const ref of refs) {
      let owner = this.nodes.get(ref.uid);
      if (!owner) {
        owner = new GraphNode({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace: node.identity.namespace });
        this.nodes.set(ref.uid, owner);
        owner.addDependent(node);
        acts.attemptToDelete.push(owner);
        continue;
      }
      owner.addDependent(node);
      const o = owner.identity;
      const sameCoordinates = ref.kind === o.kind && ref.name === o.name && groupOf(ref.apiVersion) === groupOf(o.apiVersion);
      // a namespaced owner in another namespace, other coordinates, or a virtual owner from another namespace
      if ((o.namespace && o.namespace !== node.identity.namespace) || !sameCoordinates || (owner.virtual && o.namespace !== node.identity.namespace)) suspicious = true;
    }
    if (suspicious) acts.attemptToDelete.push(node);
  }

  private transitions(node: GraphNode, obj: KObject, oldObj: KObject | undefined, acts: GraphActions): void {
    if (beingDeleted(obj) && hasFinalizer(obj, ORPHAN) && !(beingDeleted(oldObj) && hasFinalizer(oldObj, ORPHAN))) {
      acts.attemptToOrphan.push(node);
      return;
    }
    if (beingDeleted(obj) && hasFinalizer(obj, FOREGROUND)) {
      const started = !(beingDeleted(oldObj) && hasFinalizer(oldObj, FOREGROUND));
      node.deletingDependents = true;
      if (started) acts.attemptToDelete.push(...node.dependents, node);
    }
  }
}

/** The same references in the same order, each alike in everything referenceDiffs compares. */
function sameReferences(a: OwnerReference[], b: OwnerReference[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.uid !== y.uid || !!x.blockOwnerDeletion !== !!y.blockOwnerDeletion || !!x.controller !== !!y.controller || x.kind !== y.kind || x.name !== y.name || x.apiVersion !== y.apiVersion) return false;
  }
  return true;
}

/** Owner references added, removed, and changed (same uid, other blockOwnerDeletion or controller). */
export function referenceDiffs(old: OwnerReference[], cur: OwnerReference[]): { added: OwnerReference[]; removed: OwnerReference[]; changed: OwnerReference[] } {
  const oldBy = new Map(old.map((r) => [r.uid, r]));
  const curBy = new Map(cur.map((r) => [r.uid, r]));
  const added = cur.filter((r) => !oldBy.has(r.uid));
  const removed = old.filter((r) => !curBy.has(r.uid));
  // a changed reference reports its old form: whether it blocked the owner before
  const changed = old.filter((r) => {
    const c = curBy.get(r.uid);
    return c && (!!c.blockOwnerDeletion !== !!r.blockOwnerDeletion || !!c.controller !== !!r.controller || c.kind !== r.kind || c.name !== r.name || c.apiVersion !== r.apiVersion);
  });
  return { added, removed, changed };
}
