// Completion indexes of Indexed Jobs as upstream writes them in status.completedIndexes and
// status.failedIndexes ("1,3-5": ascending, two consecutive indexes listed apart), and successPolicy.
import type { KObject } from '../client/types.js';

/** Parses an interval list, ignoring malformed parts and indexes at or above `completions`, as upstream. */
export function parseIndexes(s: string | undefined, completions: number): Set<number> {
  const out = new Set<number>();
  for (const part of (s ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const first = Number(m[1]);
    const last = Math.min(m[2] === undefined ? first : Number(m[2]), completions - 1);
    for (let i = first; i <= last; i++) out.add(i);
  }
  return out;
}

/** upstream's orderedIntervals.String(). */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    const [first, last] = [sorted[i]!, sorted[j]!];
    parts.push(last === first ? `${first}` : last === first + 1 ? `${first},${last}` : `${first}-${last}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** upstream's matchSuccessPolicy: the message of the first rule the succeeded indexes satisfy. */
export function matchSuccessPolicy(policy: KObject | undefined, completions: number, succeeded: Set<number>): string | undefined {
  if (!policy || succeeded.size === 0) return undefined;
  for (const [i, rule] of (policy?.rules ?? []).entries()) {
    if (rule.succeededIndexes === undefined || rule.succeededIndexes === null) {
      if (typeof rule.succeededCount === 'number' && succeeded.size >= rule.succeededCount) return `Matched rules at index ${i}`;
      continue;
    }
    const want = parseIndexes(rule.succeededIndexes, completions);
    if (want.size === 0) continue;
    const have = [...want].filter((x) => succeeded.has(x)).length;
    if (have >= (rule.succeededCount ?? want.size)) return `Matched rules at index ${i}`;
  }
  return undefined;
}
