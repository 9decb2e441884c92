// Which stage an object is in, as kwok decides it: every stage whose selector matches (labels, annotations,
// jq requirements ANDed), one of them chosen at random by weight, and the delay before it is played.
import type { KObject } from '../client/types.js';
import type { JqQuery } from './jq-query.js';
import type { Stage, StageRequirement } from './stages-load.js';

function hasValue(outputs: unknown[], values: string[]): boolean {
  return outputs.some((d) => (typeof d === 'string' ? values.includes(d) : typeof d === 'boolean' || (typeof d === 'number' && Number.isInteger(d)) ? values.includes(String(d)) : false));
}

/** kwok's requirement semantics: null outputs are dropped; a jq error counts as no output. */
export function requirementMatches(r: StageRequirement, obj: KObject): boolean {
  const out = (r.query.run(obj) ?? []).filter((v) => v !== null && v !== undefined);
  switch (r.operator) {
    case 'In':
      return hasValue(out, r.values);
    case 'NotIn':
      return !hasValue(out, r.values);
    case 'Exists':
      return out.length > 0;
    case 'DoesNotExist':
      return out.length === 0;
  }
}

function mapMatches(want: Record<string, string> | undefined, have: Record<string, string> | undefined): boolean {
  return !want || Object.entries(want).every(([k, v]) => have?.[k] === v);
}

export function stageMatches(stage: Stage, obj: KObject): boolean {
  const sel = stage.selector;
  if (!sel) return false;
  return mapMatches(sel.matchLabels, obj.metadata?.labels) && mapMatches(sel.matchAnnotations, obj.metadata?.annotations) && sel.requirements.every((r) => requirementMatches(r, obj));
}

/** A weight from the expression (a number, or a string strconv.ParseInt reads), else the stage's own. */
function weightOf(stage: Stage, obj: KObject): number | undefined {
  if (stage.weightFrom) {
    const out = (stage.weightFrom.run(obj) ?? []).filter((v) => v !== null);
    if (out.length) {
      const v = out[0];
      if (typeof v === 'number') return Math.trunc(v);
      if (typeof v === 'string') return /^[+-]?(0x[0-9a-f]+|0o?[0-7]+|0b[01]+|\d+)$/i.test(v) ? Number(v.replace(/^([+-]?)0(?=[0-7])/, '$10o')) : undefined;
      return undefined;
    }
  }
  return stage.weight;
}

/** The stage to play next, or undefined: with several matching, a weighted random choice (equal chances when no weights). */
export function pickStage(stages: Stage[], obj: KObject, random = Math.random): Stage | undefined {
  const matching = stages.filter((s) => stageMatches(s, obj));
  if (matching.length <= 1) return matching[0];
  const weights = matching.map((s) => weightOf(s, obj));
  const known = weights.filter((w): w is number => w !== undefined);
  const total = known.reduce((a, b) => a + b, 0);
  if (total === 0) {
    const pool = known.length === 0 ? matching : matching.filter((_, i) => weights[i] !== undefined);
    return pool[Math.floor(random() * pool.length)];
  }
  let off = Math.floor(random() * total);
  for (const [i, s] of matching.entries()) {
    const w = weights[i];
    if (w === undefined || w <= 0) continue;
    off -= w;
    if (off < 0) return s;
  }
  return matching[matching.length - 1];
}

/** Go's time.ParseDuration for the units kwok's annotations use (ns, us, µs, ms, s, m, h), in ms. */
export function parseGoDuration(s: string): number | undefined {
  if (s === '0') return 0;
  const m = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+$/.exec(s);
  if (!m) return undefined;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const part of s.replace(/^[+-]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/g)) total += Number(part[1]) * unit[part[2]];
  return m[1] === '-' ? -total : total;
}

/** A duration from an expression: a timestamp counts until then, a Go duration string as written; else the default. */
function durationFrom(q: JqQuery | undefined, fallback: number | undefined, obj: KObject, now: number): number | undefined {
  if (!q) return fallback;
  const out = (q.run(obj) ?? []).filter((v) => v !== null);
  if (!out.length) return fallback;
  const v = out[0];
  if (typeof v === 'string') {
    if (v === '') return undefined;
    if (/^\d{4}-\d\d-\d\dT/.test(v) && !Number.isNaN(Date.parse(v))) return Date.parse(v) - now;
    const d = parseGoDuration(v);
    if (d !== undefined) return d;
  }
  return fallback;
}

/** How long to wait before playing the stage: the duration, plus a uniform random part up to the jitter. */
export function stageDelayMs(stage: Stage, obj: KObject, now = Date.now(), random = Math.random): number {
  const d = stage.delay;
  if (!d || (d.ms === undefined && !d.from)) return 0;
  const base = durationFrom(d.from, d.ms, obj, now);
  if (base === undefined) return 0;
  if (d.jitterMs === undefined && !d.jitterFrom) return Math.max(0, base);
  const jitter = durationFrom(d.jitterFrom, d.jitterMs, obj, now);
  if (jitter === undefined) return Math.max(0, base);
  if (jitter <= base) return Math.max(0, jitter);
  return Math.max(0, base + Math.floor(random() * (jitter - base)));
}
