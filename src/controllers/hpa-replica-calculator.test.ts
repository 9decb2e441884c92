import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../client/types.js';
import { DEFAULT_CALCULATOR, groupPods, milliValue, podRequests, rawResourceReplicas, resourceReplicas, type PodMetricsInfo } from './hpa-replica-calculator.js';
import { limitWithBehaviors, limitWithRules, scaleDownLimit, scaleUpLimit, stabilize, stabilizeWithBehaviors, type HPAHistory } from './hpa-normalize.js';

const NOW = Date.parse('2026-12-04T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const opts = { ...DEFAULT_CALCULATOR, now: NOW };

/** A Running pod started an hour ago, Ready (or not) since then, requesting `request` CPU. */
function pod(name: string, o: { ready?: boolean; phase?: string; request?: string; startedAgoMs?: number; readySinceAgoMs?: number } = {}): KObject {
  const started = NOW - (o.startedAgoMs ?? 3_600_000);
  return {
    metadata: { name },
    spec: { containers: [{ name: 'c', resources: { requests: o.request === undefined ? { cpu: '1' } : o.request ? { cpu: o.request } : {} } }] },
    status: { phase: o.phase ?? 'Running', startTime: iso(started), conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: iso(NOW - (o.readySinceAgoMs ?? 3_600_000)) }] },
  };
}

const metrics = (values: Record<string, number>): PodMetricsInfo => new Map(Object.entries(values).map(([k, v]) => [k, { value: v, timestamp: NOW, windowMs: 15_000 }]));
const names = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`);

describe('HPA replica calculator (utilization)', () => {
  test('scale up: 300m, 500m, 700m of 1 CPU each against 30% → 5 replicas at 50%', () => {
    const r = resourceReplicas(3, 30, 'cpu', names(3).map((n) => pod(n)), metrics({ p0: 300, p1: 500, p2: 700 }), opts);
    assert.deepEqual(r, { replicas: 5, utilization: 50, rawUtilization: 500 });
  });

  test('scale down: 28% against 50% on 5 pods → 3 replicas', () => {
    const r = resourceReplicas(5, 50, 'cpu', names(5).map((n) => pod(n)), metrics({ p0: 100, p1: 300, p2: 500, p3: 250, p4: 250 }), opts);
    assert.deepEqual(r, { replicas: 3, utilization: 28, rawUtilization: 280 });
  });

  test('within the 0.1 tolerance the replicas stay', () => {
    const r = resourceReplicas(3, 100, 'cpu', names(3).map((n) => pod(n)), metrics({ p0: 1010, p1: 1030, p2: 1020 }), opts);
    assert.deepEqual(r, { replicas: 3, utilization: 102, rawUtilization: 1020 });
  });

  test('an unready pod counts as 0 on a scale-up', () => {
    const pods = [pod('p0', { ready: false, startedAgoMs: 10_000, readySinceAgoMs: 10_000 }), pod('p1'), pod('p2')];
    const r = resourceReplicas(3, 30, 'cpu', pods, metrics({ p0: 300, p1: 500, p2: 700 }), opts);
    assert.deepEqual(r, { replicas: 4, utilization: 60, rawUtilization: 600 });
  });

  test('missing pods count as their full request on a scale-down and as 0 on a scale-up', () => {
    const pods = names(4).map((n) => pod(n));
    assert.equal(resourceReplicas(4, 50, 'cpu', pods, metrics({ p0: 100, p1: 100, p2: 100 }), opts).replicas, 3);
    assert.equal(resourceReplicas(4, 50, 'cpu', pods, metrics({ p0: 900, p1: 900, p2: 900 }), opts).replicas, 6);
  });

  test('no change when the adjusted ratio reverses the direction', () => {
    const r = resourceReplicas(2, 50, 'cpu', [pod('p0'), pod('p1')], metrics({ p0: 600 }), opts);
    assert.deepEqual(r, { replicas: 2, utilization: 60, rawUtilization: 600 });
  });

  test('failed and deleted pods are ignored; pending ones are unready', () => {
    const pods = [pod('p0'), pod('p1', { phase: 'Failed' }), pod('p2', { phase: 'Pending' }), { ...pod('p3'), metadata: { name: 'p3', deletionTimestamp: iso(NOW) } }];
    const g = groupPods(pods, metrics({ p0: 1, p1: 1, p3: 1 }), 'cpu', opts);
    assert.deepEqual([g.readyPodCount, [...g.unready], [...g.missing], [...g.ignored]], [1, ['p2'], [], ['p1', 'p3']]);
  });

  test('a CPU sample taken less than one window after the pod became ready is unready during initialization', () => {
    const young = pod('p0', { startedAgoMs: 20_000, readySinceAgoMs: 10_000 });
    assert.deepEqual([...groupPods([young], metrics({ p0: 1 }), 'cpu', opts).unready], ['p0']);
    assert.deepEqual([...groupPods([young], metrics({ p0: 1 }), 'memory', opts).unready], []);
    const old = pod('p0', { startedAgoMs: 20_000, readySinceAgoMs: 16_000 });
    assert.equal(groupPods([old], metrics({ p0: 1 }), 'cpu', opts).readyPodCount, 1);
  });

  test('errors carry upstream messages', () => {
    assert.throws(() => resourceReplicas(1, 50, 'cpu', [], metrics({}), opts), { message: 'no pods returned by selector while calculating replica count' });
    assert.throws(() => resourceReplicas(1, 50, 'cpu', [pod('p0', { phase: 'Pending' })], metrics({ p0: 1 }), opts), { message: 'did not receive metrics for targeted pods (pods might be unready)' });
    assert.throws(() => podRequests([pod('web-1', { request: '' })], 'cpu'), { message: 'missing request for cpu in container c of Pod web-1' });
  });

  test('MilliValue rounds up', () => {
    assert.deepEqual([milliValue('250m'), milliValue('1'), milliValue('1n'), milliValue('64Mi')], [250, 1000, 1, 67108864000]);
  });
});

describe('HPA replica calculator (average value)', () => {
  test('an average of 200m against 100m doubles 3 pods to 6', () => {
    assert.deepEqual(rawResourceReplicas(3, 100, 'cpu', names(3).map((n) => pod(n)), metrics({ p0: 100, p1: 200, p2: 300 }), opts), { replicas: 6, usage: 200 });
  });

  test('missing pods count as the target on a scale-down', () => {
    // (50 + 50 + 100) / 3 = 66 → ratio 0.66 → ceil(1.98) = 2
    assert.deepEqual(rawResourceReplicas(3, 100, 'cpu', names(3).map((n) => pod(n)), metrics({ p0: 50, p1: 50 }), opts), { replicas: 2, usage: 50 });
  });
});

describe('HPA normalization', () => {
  const history = (): HPAHistory => ({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });

  test('legacy limits: the scale-up limit is max(2 × current, 4); then maxReplicas; then minReplicas', () => {
    assert.deepEqual(limitWithRules(2, 10, 1, 20), { replicas: 4, reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' });
    assert.deepEqual(limitWithRules(3, 10, 1, 5), { replicas: 5, reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' });
    assert.deepEqual(limitWithRules(3, 0, 2, 5), { replicas: 2, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' });
    assert.deepEqual(limitWithRules(3, 4, 2, 5), { replicas: 4, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' });
  });

  test('downscale stabilization keeps the highest recommendation within the window', () => {
    const h = history();
    h.recommendations.push({ replicas: 5, at: NOW - 1000 }, { replicas: 7, at: NOW - 400_000 });
    assert.equal(stabilize(h, 2, 300_000, NOW), 5);
    // the stale sample is replaced by this one
    assert.deepEqual(h.recommendations, [{ replicas: 5, at: NOW - 1000 }, { replicas: 2, at: NOW }]);
  });

  test('scaling policies: Max takes the largest change, Min the smallest, Disabled none', () => {
    const h = history();
    const up = (selectPolicy: string) => scaleUpLimit(4, h, { selectPolicy, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 2, periodSeconds: 60 }] }, NOW);
    assert.deepEqual([up('Max'), up('Min'), up('Disabled')], [8, 6, 4]);
    assert.equal(scaleDownLimit(5, h, { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 50, periodSeconds: 15 }] }, NOW), 2);
  });

  test('recent scale events count against a policy period', () => {
    const h = history();
    h.scaleUpEvents.push({ change: 1, at: NOW - 10_000 });
    const behavior = { scaleUp: { selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] }, scaleDown: { selectPolicy: 'Max', policies: [] } };
    assert.deepEqual(limitWithBehaviors(h, 3, 6, 1, 10, behavior, NOW), { replicas: 3, reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' });
  });

  test('behavior stabilization holds a scale-down at the highest recommendation of the window', () => {
    const h = history();
    h.recommendations.push({ replicas: 5, at: NOW - 10_000 });
    const s = stabilizeWithBehaviors(h, 4, 2, { scaleUp: { stabilizationWindowSeconds: 0 }, scaleDown: { stabilizationWindowSeconds: 300 } }, NOW);
    assert.deepEqual(s, { replicas: 4, reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' });
  });
});
