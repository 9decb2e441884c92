import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLabelSelector, formatLabels, formatRFC3339, humanDuration, labelSelectorGoString, labelSelectorString, translateTimestampSince } from './util.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test('humanDuration follows Go duration.HumanDuration thresholds', () => {
  const cases: [number, string][] = [
    [-2 * S, '<invalid>'], [-1500, '0s'], [-1 * S, '0s'], [0, '0s'], [999, '0s'], [1999, '1s'], [5 * S, '5s'],
    [119 * S, '119s'], [120 * S, '2m'], [121 * S, '2m1s'], [3 * M + 2 * S, '3m2s'], [9 * M + 59 * S, '9m59s'],
    [10 * M, '10m'], [10 * M + 30 * S, '10m'], [179 * M, '179m'], [180 * M, '3h'], [3 * H + 30 * M, '3h30m'],
    [7 * H + 59 * M, '7h59m'], [8 * H, '8h'], [8 * H + 59 * M, '8h'], [47 * H, '47h'], [48 * H, '2d'], [2 * D + 3 * H, '2d3h'],
    [7 * D + 23 * H, '7d23h'], [8 * D, '8d'], [8 * D + 5 * H, '8d'], [729 * D, '729d'], [730 * D, '2y'], [731 * D, '2y1d'],
    [5 * 365 * D + 100 * D, '5y100d'], [8 * 365 * D - D, '7y364d'], [8 * 365 * D, '8y'], [20 * 365 * D + 200 * D, '20y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `humanDuration(${ms})`);
});

test('translateTimestampSince handles unset, zero and micro timestamps', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  assert.equal(translateTimestampSince(undefined, now), '<unknown>');
  assert.equal(translateTimestampSince(null, now), '<unknown>');
  assert.equal(translateTimestampSince('', now), '<unknown>');
  assert.equal(translateTimestampSince('0001-01-01T00:00:00Z', now), '<unknown>');
  assert.equal(translateTimestampSince('2025-06-01T11:55:00Z', now), '5m');
  assert.equal(translateTimestampSince('2025-06-01T11:59:29.123456Z', now), '30s');
  assert.equal(translateTimestampSince('2025-06-01T12:00:05Z', now), '<invalid>');
});

test('formatRFC3339 prints second precision UTC and Go zero time when unset', () => {
  assert.equal(formatRFC3339('2024-03-04T05:06:07Z'), '2024-03-04T05:06:07Z');
  assert.equal(formatRFC3339('2024-03-04T07:06:07+02:00'), '2024-03-04T05:06:07Z');
  assert.equal(formatRFC3339(undefined), '0001-01-01T00:00:00Z');
});

test('formatLabels sorts key=value pairs and prints <none> when empty', () => {
  assert.equal(formatLabels({ b: '2', a: '1', 'app.kubernetes.io/name': 'x' }), 'a=1,app.kubernetes.io/name=x,b=2');
  assert.equal(formatLabels({}), '<none>');
  assert.equal(formatLabels(undefined), '<none>');
});

test('label selectors format like metav1.FormatLabelSelector', () => {
  assert.equal(formatLabelSelector(undefined), '<none>');
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(formatLabelSelector({ matchLabels: { app: 'web' } }), 'app=web');
  assert.equal(
    formatLabelSelector({
      matchLabels: { tier: 'front' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'zz', operator: 'DoesNotExist' },
        { key: 'gpu', operator: 'Exists' },
        { key: 'os', operator: 'NotIn', values: ['windows'] },
      ],
    }),
    'env in (dev,prod),gpu,os notin (windows),tier=front,!zz',
  );
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }), '<error>');
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), '<error>');
  assert.equal(labelSelectorString(undefined), '');
  assert.equal(labelSelectorString({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }), null);
});

test('labelSelectorGoString reproduces the generated struct dump', () => {
  assert.equal(
    labelSelectorGoString({ matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'k', operator: 'In', values: ['x', 'y'] }] }),
    '&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:k,Operator:In,Values:[x y],},},}',
  );
});
