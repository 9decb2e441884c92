// A unified diff of two texts (as `diff -u` prints hunks), from a longest common subsequence of their lines.

type Op = { t: ' ' | '-' | '+'; line: string };

function editScript(a: string[], b: string[]): Op[] {
  // the common head and tail cost nothing; only the middle needs the quadratic table
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const n = a.length - head - tail;
  const m = b.length - head - tail;
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * w + j] = a[head + i] === b[head + j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
  const ops: Op[] = [];
  for (let k = 0; k < head; k++) ops.push({ t: ' ', line: a[k]! });
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[head + i] === b[head + j]) {
      ops.push({ t: ' ', line: a[head + i]! });
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i * w + j + 1]! >= lcs[(i + 1) * w + j]!)) {
      ops.push({ t: '+', line: b[head + j]! });
      j++;
    } else {
      ops.push({ t: '-', line: a[head + i]! });
      i++;
    }
  }
  for (let k = 0; k < tail; k++) ops.push({ t: ' ', line: a[a.length - tail + k]! });
  // removals first within a run of changes, as diff prints them
  for (let s = 0; s < ops.length; ) {
    if (ops[s]!.t === ' ') {
      s++;
      continue;
    }
    let e = s;
    while (e < ops.length && ops[e]!.t !== ' ') e++;
    const run = ops.slice(s, e);
    ops.splice(s, e - s, ...run.filter((o) => o.t === '-'), ...run.filter((o) => o.t === '+'));
    s = e;
  }
  return ops;
}

function range(start: number, count: number): string {
  // diff's convention: an empty range names the line before it
  if (count === 0) return `${start},0`;
  return count === 1 ? `${start + 1}` : `${start + 1},${count}`;
}

/** The hunks (`@@ -a,b +c,d @@` and their lines) turning `from` into `to`; empty when they are equal. */
export function unifiedDiff(from: string, to: string, context = 3): string[] {
  const split = (s: string) => (s === '' ? [] : s.replace(/\n$/, '').split('\n'));
  const ops = editScript(split(from), split(to));
  const out: string[] = [];
  let k = 0;
  while (k < ops.length) {
    while (k < ops.length && ops[k]!.t === ' ') k++;
    if (k === ops.length) break;
    const start = Math.max(0, k - context);
    let end = k;
    // extend while the next change is within 2×context unchanged lines
    for (;;) {
      while (end < ops.length && ops[end]!.t !== ' ') end++;
      let gap = end;
      while (gap < ops.length && ops[gap]!.t === ' ') gap++;
      if (gap < ops.length && gap - end <= 2 * context) end = gap;
      else {
        end = Math.min(ops.length, end + context);
        break;
      }
    }
    const hunk = ops.slice(start, end);
    const before = ops.slice(0, start);
    const aStart = before.filter((o) => o.t !== '+').length;
    const bStart = before.filter((o) => o.t !== '-').length;
    const aCount = hunk.filter((o) => o.t !== '+').length;
    const bCount = hunk.filter((o) => o.t !== '-').length;
    out.push(`@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@`);
    for (const o of hunk) out.push(o.t + o.line);
    k = end;
  }
  return out;
}
