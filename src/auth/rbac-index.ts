// Roles and bindings held in memory, bindings indexed by subject: resolving a user's rules costs the bindings
// that name the user (or one of its groups), never a storage read. Upstream's DefaultRuleResolver over listers.
import type { PolicyRule } from './rbac-rules.js';
import type { UserInfo } from './types.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type KObject = Record<string, any>;

const RBAC = 'rbac.authorization.k8s.io';
const SA_PREFIX = 'system:serviceaccount:';

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface RoleRef {
  apiGroup?: string;
  kind: string;
  name: string;
}

/** Where an allowing rule came from, printed as upstream's binding describers. */
export type RuleSource = () => string;

/** Return false to stop visiting. */
export type RuleVisitor = (source: RuleSource | undefined, rule: PolicyRule | undefined, err: string | undefined) => boolean;

/** Go's %q of a string. */
const q = (s: string) => JSON.stringify(s);

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} ${q(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${q(s.name)}`;
}

/** The index keys a subject is found under ('' when it can never match). */
function subjectKey(s: Subject, bindingNamespace: string): string {
  switch (s?.kind) {
    case 'User':
      return `u:${s.name}`;
    case 'Group':
      return `g:${s.name}`;
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      return ns ? `sa:${ns}:${s.name}` : '';
    }
    default:
      return '';
  }
}

function userKeys(user: UserInfo): string[] {
  const keys = [`u:${user.username}`, ...user.groups.map((g) => `g:${g}`)];
  if (user.username.startsWith(SA_PREFIX)) keys.push(`sa:${user.username.slice(SA_PREFIX.length)}`);
  return keys;
}

/** Upstream's appliesTo: the index of the first subject naming the user (by its index keys), or -1. */
function appliesTo(keys: Set<string>, subjects: Subject[], bindingNamespace: string): number {
  return subjects.findIndex((s) => {
    const k = subjectKey(s, bindingNamespace);
    return k !== '' && keys.has(k);
  });
}

class BindingIndex {
  readonly byKey = new Map<string, KObject>();
  private readonly bySubject = new Map<string, Set<string>>();

  set(key: string, obj: KObject, namespace: string): void {
    this.delete(key, namespace);
    this.byKey.set(key, obj);
    for (const s of obj.subjects ?? []) {
      const k = subjectKey(s, namespace);
      if (!k) continue;
      let set = this.bySubject.get(k);
      if (!set) this.bySubject.set(k, (set = new Set()));
      set.add(key);
    }
  }

  delete(key: string, namespace: string): void {
    const old = this.byKey.get(key);
    if (!old) return;
    this.byKey.delete(key);
    for (const s of old.subjects ?? []) {
      const k = subjectKey(s, namespace);
      const set = k ? this.bySubject.get(k) : undefined;
      if (!set) continue;
      set.delete(key);
      if (set.size === 0) this.bySubject.delete(k);
    }
  }

  /** The bindings naming the user, by name (upstream's lister order is arbitrary; ours is stable). */
  forUser(userKeys: Set<string>): KObject[] {
    const keys = new Set<string>();
    for (const k of userKeys) for (const b of this.bySubject.get(k) ?? []) keys.add(b);
    return [...keys].sort().map((k) => this.byKey.get(k)!);
  }
}

export class RBACIndex {
  private readonly clusterRoles = new Map<string, KObject>();
  private readonly roles = new Map<string, KObject>();
  private readonly clusterRoleBindings = new BindingIndex();
  /** Role bindings per namespace. */
  private readonly roleBindings = new Map<string, BindingIndex>();

  setClusterRole(obj: KObject): void {
    this.clusterRoles.set(obj.metadata.name, obj);
  }
  deleteClusterRole(obj: KObject): void {
    this.clusterRoles.delete(obj.metadata.name);
  }
  setRole(obj: KObject): void {
    this.roles.set(`${obj.metadata.namespace}/${obj.metadata.name}`, obj);
  }
  deleteRole(obj: KObject): void {
    this.roles.delete(`${obj.metadata.namespace}/${obj.metadata.name}`);
  }
  setClusterRoleBinding(obj: KObject): void {
    this.clusterRoleBindings.set(obj.metadata.name, obj, '');
  }
  deleteClusterRoleBinding(obj: KObject): void {
    this.clusterRoleBindings.delete(obj.metadata.name, '');
  }
  setRoleBinding(obj: KObject): void {
    const ns = obj.metadata.namespace;
    let idx = this.roleBindings.get(ns);
    if (!idx) this.roleBindings.set(ns, (idx = new BindingIndex()));
    idx.set(obj.metadata.name, obj, ns);
  }
  deleteRoleBinding(obj: KObject): void {
    const ns = obj.metadata.namespace;
    const idx = this.roleBindings.get(ns);
    idx?.delete(obj.metadata.name, ns);
    if (idx && idx.byKey.size === 0) this.roleBindings.delete(ns);
  }

  clusterRole(name: string): KObject | undefined {
    return this.clusterRoles.get(name);
  }

  /** The rules a role reference names, or upstream's lister error text. */
  roleReferenceRules(ref: RoleRef, bindingNamespace: string): { rules: PolicyRule[] } | { error: string } {
    switch (ref.kind) {
      case 'Role': {
        const r = this.roles.get(`${bindingNamespace}/${ref.name}`);
        return r ? { rules: r.rules ?? [] } : { error: `role.${RBAC} ${q(ref.name)} not found` };
      }
      case 'ClusterRole': {
        const r = this.clusterRoles.get(ref.name);
        return r ? { rules: r.rules ?? [] } : { error: `clusterrole.${RBAC} ${q(ref.name)} not found` };
      }
      default:
        return { error: `unsupported role reference kind: ${q(ref.kind)}` };
    }
  }

  /** Every rule bound to the user at the cluster scope, then in the namespace (upstream's VisitRulesFor). */
  visitRulesFor(user: UserInfo, namespace: string, visit: RuleVisitor): void {
    const keys = new Set(userKeys(user));
    for (const b of this.clusterRoleBindings.forUser(keys)) {
      const i = appliesTo(keys, b.subjects ?? [], '');
      if (i < 0) continue;
      const r = this.roleReferenceRules(b.roleRef ?? {}, '');
      if ('error' in r) {
        if (!visit(undefined, undefined, r.error)) return;
        continue;
      }
      const source = () => `ClusterRoleBinding ${q(b.metadata.name)} of ${b.roleRef.kind} ${q(b.roleRef.name)} to ${describeSubject(b.subjects[i], '')}`;
      for (const rule of r.rules) if (!visit(source, rule, undefined)) return;
    }
    if (!namespace) return;
    for (const b of this.roleBindings.get(namespace)?.forUser(keys) ?? []) {
      const i = appliesTo(keys, b.subjects ?? [], namespace);
      if (i < 0) continue;
      const r = this.roleReferenceRules(b.roleRef ?? {}, namespace);
      if ('error' in r) {
        if (!visit(undefined, undefined, r.error)) return;
        continue;
      }
      const source = () => `RoleBinding ${q(`${b.metadata.name}/${namespace}`)} of ${b.roleRef.kind} ${q(b.roleRef.name)} to ${describeSubject(b.subjects[i], namespace)}`;
      for (const rule of r.rules) if (!visit(source, rule, undefined)) return;
    }
  }

  /** Every rule the user holds in the namespace, and the resolution errors met on the way. */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.visitRulesFor(user, namespace, (_, rule, err) => {
      if (rule) rules.push(rule);
      if (err) errors.push(err);
      return true;
    });
    return { rules, errors };
  }
}

/** utilerrors.NewAggregate(errs).Error(): one message as is, several deduplicated in brackets. */
export function aggregateErrors(errors: string[]): string {
  if (errors.length === 0) return '';
  if (errors.length === 1) return errors[0]!;
  const seen = [...new Set(errors)];
  return seen.length === 1 ? seen[0]! : `[${seen.join(', ')}]`;
}
