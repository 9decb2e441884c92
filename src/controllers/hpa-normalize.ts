// How the HPA turns a metric proposal into the replicas it writes: the recommendation history (downscale
// stabilization, or the behavior's per-direction stabilization windows), then the bounds — minReplicas,
// maxReplicas and either the legacy scale-up limit (double, at least 4) or the behavior's scaling policies
// over the recent scale events — each with upstream's condition reason and message.
import type { KObject } from '../client/types.js';

export interface Recommendation {
  replicas: number;
  at: number;
}

export interface ScaleEvent {
  change: number;
  at: number;
}

export interface HPAHistory {
  recommendations: Recommendation[];
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

export interface Limited {
  replicas: number;
  reason: string;
  message: string;
}

const WITHIN: Omit<Limited, 'replicas'> = { reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
const TOO_FEW = { reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
const TOO_MANY = { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
const UP_LIMIT = { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
const DOWN_LIMIT = { reason: 'ScaleDownLimit', message: 'the desired replica count is decreasing faster than the maximum scale rate' };
export const UP_STABILIZED = { reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' };
export const DOWN_STABILIZED = { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };

/** stabilizeRecommendation (no behavior): the highest recommendation within the downscale window; records this one. */
export function stabilize(h: HPAHistory, desired: number, windowMs: number, now: number): number {
  let max = desired;
  let old = -1;
  h.recommendations.forEach((r, i) => {
    if (r.at < now - windowMs) old = i;
    else if (r.replicas > max) max = r.replicas;
  });
  const rec = { replicas: desired, at: now };
  if (old >= 0) h.recommendations[old] = rec;
  else h.recommendations.push(rec);
  return max;
}

/** convertDesiredReplicasWithRules: min/max bounds and the legacy scale-up limit. */
export function limitWithRules(current: number, desired: number, min: number, max: number): Limited {
  const scaleUpLimit = Math.trunc(Math.max(2 * current, 4));
  const [maximum, limiting] = max > scaleUpLimit ? [scaleUpLimit, UP_LIMIT] : [max, TOO_MANY];
  if (desired < min) return { replicas: min, ...TOO_FEW };
  if (desired > maximum) return { replicas: maximum, ...limiting };
  return { replicas: desired, ...WITHIN };
}

/** stabilizeRecommendationWithBehaviors: within each direction's window, the recommendation moves no further than the recent ones allow. */
export function stabilizeWithBehaviors(h: HPAHistory, current: number, desired: number, behavior: KObject, now: number): Limited {
  const upCutoff = now - (behavior.scaleUp?.stabilizationWindowSeconds ?? 0) * 1000;
  const downCutoff = now - (behavior.scaleDown?.stabilizationWindowSeconds ?? 0) * 1000;
  let up = desired;
  let down = desired;
  let old = -1;
  h.recommendations.forEach((r, i) => {
    if (r.at > upCutoff) up = Math.min(r.replicas, up);
    if (r.at > downCutoff) down = Math.max(r.replicas, down);
    if (r.at < upCutoff && r.at < downCutoff) old = i;
  });
  let recommendation = current;
  if (recommendation < up) recommendation = up;
  if (recommendation > down) recommendation = down;
  const rec = { replicas: desired, at: now };
  if (old >= 0) h.recommendations[old] = rec;
  else h.recommendations.push(rec);
  return { replicas: recommendation, ...(desired >= current ? UP_STABILIZED : DOWN_STABILIZED) };
}

const changeInPeriod = (events: ScaleEvent[], periodSeconds: number, now: number) => events.filter((e) => e.at > now - periodSeconds * 1000).reduce((a, e) => a + e.change, 0);

/** calculateScaleUpLimitWithScalingRules */
export function scaleUpLimit(current: number, h: HPAHistory, rules: KObject, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const minChange = rules.selectPolicy === 'Min';
  let result = minChange ? 2147483647 : -2147483648;
  for (const p of rules.policies ?? []) {
    const start = current - changeInPeriod(h.scaleUpEvents, p.periodSeconds, now) + changeInPeriod(h.scaleDownEvents, p.periodSeconds, now);
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = minChange ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/** calculateScaleDownLimitWithBehaviors */
export function scaleDownLimit(current: number, h: HPAHistory, rules: KObject, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const minChange = rules.selectPolicy === 'Min';
  let result = minChange ? -2147483648 : 2147483647;
  for (const p of rules.policies ?? []) {
    const start = current - changeInPeriod(h.scaleUpEvents, p.periodSeconds, now) + changeInPeriod(h.scaleDownEvents, p.periodSeconds, now);
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = minChange ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/** convertDesiredReplicasWithBehaviorRate */
export function limitWithBehaviors(h: HPAHistory, current: number, desired: number, min: number, max: number, behavior: KObject, now: number): Limited {
  if (desired > current) {
    const limit = Math.max(scaleUpLimit(current, h, behavior.scaleUp ?? {}, now), current);
    const [maximum, limiting] = max > limit ? [limit, UP_LIMIT] : [max, TOO_MANY];
    if (desired > maximum) return { replicas: maximum, ...limiting };
  } else if (desired < current) {
    const limit = Math.min(scaleDownLimit(current, h, behavior.scaleDown ?? {}, now), current);
    const [minimum, limiting] = min < limit ? [limit, DOWN_LIMIT] : [min, TOO_FEW];
    if (desired < minimum) return { replicas: minimum, ...limiting };
  }
  return { replicas: desired, ...WITHIN };
}

const longestPeriod = (rules: KObject | undefined) => Math.max(0, ...((rules?.policies ?? []) as KObject[]).map((p) => p.periodSeconds as number));

/** storeScaleEvent: kept only with a behavior, and only as long as the longest policy period looks back. */
export function recordScaleEvent(h: HPAHistory, behavior: KObject | undefined, prev: number, next: number, now: number): void {
  if (!behavior) return;
  if (next > prev) {
    const keep = now - longestPeriod(behavior.scaleUp) * 1000;
    h.scaleUpEvents = [...h.scaleUpEvents.filter((e) => e.at > keep), { change: next - prev, at: now }];
  } else {
    const keep = now - longestPeriod(behavior.scaleDown) * 1000;
    h.scaleDownEvents = [...h.scaleDownEvents.filter((e) => e.at > keep), { change: prev - next, at: now }];
  }
}
