// Ownership bookkeeping for updates and applies (structured-merge-diff's merge.Updater), single-version.
import { FieldSet } from './field-set.js';
import { pathString, type Path, type Value } from './path-element.js';
import { compare, ensureNamedFieldsAreMembers, merge, removeItems, toFieldSet, valuesEqual, type Comparison } from './typed.js';
import type { TypeNode } from './type-node.js';

export interface VersionedSet {
  set: FieldSet;
  apiVersion: string;
  applied: boolean;
}

/** Manager identifier (JSON of manager, operation, apiVersion, subresource) → owned fields. */
export type ManagedFields = Map<string, VersionedSet>;

export interface Conflict {
  manager: string;
  path: Path;
}

export class ConflictsError extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(conflicts.map((c) => `conflict with ${JSON.stringify(c.manager)}: ${pathString(c.path)}`).join('\n'));
  }
}

export interface UpdaterOptions {
  /** Fields nobody may own through this endpoint (reset fields, e.g. `status` on the main resource). */
  ignored?: FieldSet;
  /** The form objects are compared in (upstream compares typed objects). */
  normalize?: (v: Value) => Value;
}

function filterIgnored(s: FieldSet, ignored: FieldSet | undefined): FieldSet {
  return ignored && !ignored.empty() ? s.recursiveDifference(ignored) : s;
}

function filterComparison(c: Comparison, ignored: FieldSet | undefined): Comparison {
  return { added: filterIgnored(c.added, ignored), modified: filterIgnored(c.modified, ignored), removed: filterIgnored(c.removed, ignored) };
}

export class Updater {
  constructor(
    private readonly node: TypeNode,
    private readonly opts: UpdaterOptions = {},
  ) {}

  private update(oldObj: Value, newObj: Value, version: string, managers: ManagedFields, workflow: string, force: boolean): { managers: ManagedFields; compare: Comparison } {
    const norm = this.opts.normalize ?? ((v: Value) => v);
    const cmp = filterComparison(compare(norm(oldObj), norm(newObj), this.node), this.opts.ignored);
    const changed = cmp.modified.union(cmp.added);
    const conflicts = new Map<string, FieldSet>();
    for (const [manager, vs] of managers) {
      if (manager === workflow) continue;
      const c = vs.set.intersection(changed);
      if (!c.empty()) conflicts.set(manager, c);
    }
    if (!force && conflicts.size) {
      const list: Conflict[] = [];
      for (const [manager, s] of [...conflicts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) for (const path of s.paths()) list.push({ manager, path });
      throw new ConflictsError(list);
    }
    for (const [manager, vs] of managers) {
      if (manager === workflow) continue;
      let s = vs.set;
      const c = conflicts.get(manager);
      if (c) s = s.difference(c);
      if (!cmp.removed.empty()) s = s.difference(cmp.removed);
      if (s.empty()) managers.delete(manager);
      else if (s !== vs.set) managers.set(manager, { ...vs, set: s });
    }
    return { managers, compare: cmp };
  }

  /** Records what a non-apply write changed as owned by manager, taking those fields from everyone else. */
  updateFields(live: Value, next: Value, version: string, managers: ManagedFields, manager: string): ManagedFields {
    const { compare: cmp } = this.update(live, next, version, managers, manager, true);
    const prev = managers.get(manager)?.set ?? new FieldSet();
    const set = filterIgnored(prev.difference(cmp.removed).union(cmp.modified).union(cmp.added), this.opts.ignored);
    if (set.empty()) managers.delete(manager);
    else managers.set(manager, { set, apiVersion: version, applied: false });
    return managers;
  }

  /** Merges an applied configuration; returns undefined as object when nothing changed. */
  apply(live: Value, config: Value, version: string, managers: ManagedFields, manager: string, force: boolean): { object: Value | undefined; managers: ManagedFields } {
    let merged: Value = merge(live, config, this.node) ?? {};
    const lastSet = managers.get(manager);
    const set = filterIgnored(toFieldSet(config, this.node), this.opts.ignored);
    managers.set(manager, { set, apiVersion: version, applied: true });
    merged = this.prune(merged, managers, lastSet);
    this.update(live, merged, version, managers, manager, force);
    const norm = this.opts.normalize ?? ((v: Value) => v);
    return { object: valuesEqual(norm(live), norm(merged)) ? undefined : merged, managers };
  }

  /** Removes what the applier owned last time, no longer applies, and nobody else owns. */
  private prune(merged: Value, managers: ManagedFields, lastSet: VersionedSet | undefined): Value {
    if (!lastSet || lastSet.set.empty()) return merged;
    const n = this.node;
    const last = ensureNamedFieldsAreMembers(lastSet.set, n);
    let pruned = removeItems(merged, last, n) ?? {};
    let managed = new FieldSet();
    for (const vs of managers.values()) managed = managed.union(vs.set);
    const mergedSet = ensureNamedFieldsAreMembers(toFieldSet(merged, n), n);
    const prunedSet = ensureNamedFieldsAreMembers(toFieldSet(pruned, n), n);
    pruned = removeItems(merged, mergedSet.difference(prunedSet.union(ensureNamedFieldsAreMembers(managed, n))), n) ?? {};
    const prunedSet2 = ensureNamedFieldsAreMembers(toFieldSet(pruned, n), n);
    return removeItems(merged, mergedSet.difference(prunedSet2).intersection(last), n) ?? {};
  }
}
