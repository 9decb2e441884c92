// A set of field paths stored as a tree (structured-merge-diff's fieldpath.Set) and its FieldsV1 form.
import { comparePE, parsePE, serializePE, type Path, type PathElement } from './path-element.js';

interface Node {
  pe: PathElement;
  set: FieldSet;
}

export type FieldsV1 = { [k: string]: FieldsV1 };

const NO_MEMBERS: ReadonlyMap<string, PathElement> = new Map();
const NO_CHILDREN: ReadonlyMap<string, Node> = new Map();

export class FieldSet {
  // made on first use: most sets of a write are small or empty
  private m?: Map<string, PathElement>;
  private c?: Map<string, Node>;

  /** Path elements that are themselves members, keyed by their serialized form. */
  get members(): ReadonlyMap<string, PathElement> {
    return this.m ?? NO_MEMBERS;
  }

  /** Subtrees that hold members below a path element. */
  get children(): ReadonlyMap<string, Node> {
    return this.c ?? NO_CHILDREN;
  }

  addMember(k: string, pe: PathElement): void {
    (this.m ??= new Map()).set(k, pe);
  }

  addChild(k: string, n: Node): void {
    (this.c ??= new Map()).set(k, n);
  }

  dropChild(k: string): void {
    this.c?.delete(k);
  }

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(p: Path): void {
    if (p.length === 0) return;
    let s: FieldSet = this;
    for (let i = 0; i < p.length - 1; i++) s = s.descend(p[i]);
    s.addMember(serializePE(p[p.length - 1]), p[p.length - 1]);
  }

  descend(pe: PathElement): FieldSet {
    const k = serializePE(pe);
    let n = this.children.get(k);
    if (!n) {
      n = { pe, set: new FieldSet() };
      this.addChild(k, n);
    }
    return n.set;
  }

  has(p: Path): boolean {
    if (p.length === 0) return false;
    let s: FieldSet | undefined = this;
    for (let i = 0; i < p.length - 1 && s; i++) s = s.children.get(serializePE(p[i]))?.set;
    return !!s && s.members.has(serializePE(p[p.length - 1]));
  }

  hasMember(pe: PathElement): boolean {
    return this.members.has(serializePE(pe));
  }

  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(serializePE(pe))?.set ?? new FieldSet();
  }

  empty(): boolean {
    if (this.members.size) return false;
    for (const n of this.children.values()) if (!n.set.empty()) return false;
    return true;
  }

  copy(): FieldSet {
    return this.union(new FieldSet());
  }

  // a set is only changed while it is built (insert, fromFieldsV1): the operations below share the subtrees
  // they take over unchanged instead of copying them
  union(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) out.addMember(k, pe);
    for (const [k, pe] of o.members) out.addMember(k, pe);
    for (const [k, n] of this.children) {
      const m = o.children.get(k);
      out.addChild(k, m ? { pe: n.pe, set: n.set.union(m.set) } : n);
    }
    for (const [k, n] of o.children) if (!this.children.has(k)) out.addChild(k, n);
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (o.members.has(k)) out.addMember(k, pe);
    for (const [k, n] of this.children) {
      const m = o.children.get(k);
      if (!m) continue;
      const r = n.set.intersection(m.set);
      if (!r.empty()) out.addChild(k, { pe: n.pe, set: r });
    }
    return out;
  }

  /** Members of this set not in o; a parent minus a child stays, a child minus a parent goes only if o holds that child. */
  difference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!o.members.has(k)) out.addMember(k, pe);
    for (const [k, n] of this.children) {
      const m = o.children.get(k);
      if (!m) {
        out.addChild(k, n);
        continue;
      }
      const r = n.set.difference(m.set);
      if (!r.empty()) out.addChild(k, { pe: n.pe, set: r });
    }
    return out;
  }

  /** Like difference, but a member of o also removes everything below it. */
  recursiveDifference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!o.members.has(k)) out.addMember(k, pe);
    for (const [k, n] of this.children) {
      if (o.members.has(k)) continue;
      const m = o.children.get(k);
      if (!m) {
        out.addChild(k, n);
        continue;
      }
      const r = n.set.recursiveDifference(m.set);
      if (!r.empty()) out.addChild(k, { pe: n.pe, set: r });
    }
    return out;
  }

  /** Only the members that have no members below them. */
  leaves(): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!this.children.has(k) || this.children.get(k)!.set.empty()) out.addMember(k, pe);
    for (const [k, n] of this.children) {
      const r = n.set.leaves();
      if (!r.empty()) out.addChild(k, { pe: n.pe, set: r });
    }
    return out;
  }

  equals(o: FieldSet): boolean {
    return this.difference(o).empty() && o.difference(this).empty();
  }

  private sortedMembers(): PathElement[] {
    return [...this.members.values()].sort(comparePE);
  }

  private sortedChildren(): Node[] {
    return [...this.children.values()].sort((a, b) => comparePE(a.pe, b.pe));
  }

  /** Every member path, members before children, each in upstream's path-element order. */
  paths(prefix: Path = []): Path[] {
    const out: Path[] = [];
    for (const pe of this.sortedMembers()) out.push([...prefix, pe]);
    for (const n of this.sortedChildren()) out.push(...n.set.paths([...prefix, n.pe]));
    return out;
  }

  toFieldsV1(): FieldsV1 {
    return this.emit(false);
  }

  private emit(includeSelf: boolean): FieldsV1 {
    const out: FieldsV1 = {};
    const members = this.members;
    const children = this.children;
    if (includeSelf && !this.empty()) out['.'] = {};
    // the maps' keys are the serialized path elements: printed as they are, not serialized again
    const entries: { k: string; pe: PathElement; member: boolean; child?: FieldSet }[] = [];
    for (const [k, pe] of members) entries.push({ k, pe, member: true, child: children.get(k)?.set });
    for (const [k, n] of children) if (!members.has(k)) entries.push({ k, pe: n.pe, member: false, child: n.set });
    if (entries.length > 1) entries.sort((a, b) => comparePE(a.pe, b.pe));
    for (const e of entries) {
      const childEmpty = !e.child || e.child.empty();
      if (!e.member && childEmpty) continue;
      out[e.k] = childEmpty ? {} : e.child!.emit(e.member);
    }
    return out;
  }

  static fromFieldsV1(v: unknown): FieldSet {
    const s = new FieldSet();
    if (v === null || v === undefined) return s;
    if (typeof v !== 'object' || Array.isArray(v)) throw new Error('FieldsV1 must be an object');
    readInto(s, v as Record<string, unknown>);
    return s;
  }
}

/** Fills parent from a FieldsV1 object (`.` or an empty object marks the path itself as a member). */
function readInto(parent: FieldSet, obj: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(obj)) {
    if (k === '.') continue;
    let pe: PathElement;
    try {
      pe = parsePE(k);
    } catch (e) {
      if ((e as Error).message === 'unknown path element type') continue;
      throw e;
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`parsing key as path element: ${k}`);
    const child = v as Record<string, unknown>;
    const keys = Object.keys(child);
    const isMember = keys.length === 0 || keys.includes('.');
    if (isMember) parent.addMember(serializePE(pe), pe);
    if (keys.some((x) => x !== '.')) {
      const sub = parent.descend(pe);
      readInto(sub, child);
      if (sub.empty()) parent.dropChild(serializePE(pe));
    }
  }
}
