// corev1.ResourceList arithmetic as upstream's quota helpers: add, mask, compare, and the `a=1,b=2` form
// admission messages print.
import { addQty, cmpQty, formatQty, parseQty, subQty, ZERO, type Qty } from '../../apimachinery/quantity-math.js';

export type ResourceList = Map<string, Qty>;

export function fromJSON(v: unknown): ResourceList {
  const out: ResourceList = new Map();
  if (!v || typeof v !== 'object') return out;
  for (const [k, s] of Object.entries(v as Record<string, unknown>)) {
    const q = parseQty(s);
    if (q) out.set(k, q);
  }
  return out;
}

/** The list as the API prints it: keys sorted, values canonical. */
export function toJSON(l: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...l.keys()].sort()) out[k] = formatQty(l.get(k)!);
  return out;
}

export function addLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map(a);
  for (const [k, q] of b) out.set(k, addQty(out.get(k) ?? ZERO, q));
  return out;
}

export function subtractLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map(a);
  for (const [k, q] of b) out.set(k, subQty(out.get(k) ?? ZERO, q));
  return out;
}

/** Per resource, the larger of the two. */
export function maxLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map(a);
  for (const [k, q] of b) if (!out.has(k) || cmpQty(q, out.get(k)!) > 0) out.set(k, q);
  return out;
}

export function mask(l: ResourceList, names: Iterable<string>): ResourceList {
  const out: ResourceList = new Map();
  for (const n of names) if (l.has(n)) out.set(n, l.get(n)!);
  return out;
}

export function isZero(l: ResourceList): boolean {
  for (const q of l.values()) if (q.nano !== 0n) return false;
  return true;
}

/** Whether every value of a is at most its limit in b (resources b does not name are unlimited), and which are not. */
export function lessThanOrEqual(a: ResourceList, b: ResourceList): { ok: boolean; exceeded: string[] } {
  const exceeded: string[] = [];
  for (const [k, q] of a) {
    const limit = b.get(k);
    if (limit && cmpQty(q, limit) > 0) exceeded.push(k);
  }
  return { ok: exceeded.length === 0, exceeded };
}

export function prettyPrint(l: ResourceList): string {
  return [...l.keys()].sort().map((k) => `${k}=${formatQty(l.get(k)!)}`).join(',');
}
