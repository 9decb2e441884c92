import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventPrinter, eventsV1Printer } from './events.js';
import { assertColumns, ago, cells, H, M, S } from './testutil.js';

test('event columns (1.33 set and order)', () => {
  const expected: [string, number, string?][] = [
    ['Last Seen', 0], ['Type', 0], ['Reason', 0], ['Object', 0], ['Subobject', 1], ['Source', 1], ['Message', 0],
    ['First Seen', 1], ['Count', 1], ['Name', 1, 'string/name'],
  ];
  assertColumns(eventPrinter, expected);
  assertColumns(eventsV1Printer, expected);
  assert.equal(eventPrinter.columns[0]!.description, 'The time at which the most recent occurrence of this event was recorded.');
});

test('kubelet BackOff event with count and source host', () => {
  const ev = {
    apiVersion: 'v1', kind: 'Event',
    metadata: { name: 'web-1.17f3a', namespace: 'default', creationTimestamp: ago(H) },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', fieldPath: 'spec.containers{app}', apiVersion: 'v1' },
    reason: 'BackOff', message: 'Back-off restarting failed container app in pod web-1_default(uid)\n', type: 'Warning',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: ago(H), lastTimestamp: ago(30 * S), count: 12,
    reportingComponent: 'kubelet', reportingInstance: 'node-1',
  };
  assert.deepEqual(cells(eventPrinter, ev), [
    '30s', 'Warning', 'BackOff', 'pod/web-1', 'spec.containers{app}', 'kubelet, node-1',
    'Back-off restarting failed container app in pod web-1_default(uid)', '60m', 12, 'web-1.17f3a',
  ]);
});

test('events.k8s.io-style core event: eventTime fallback, series, reporting controller, count 1', () => {
  const base = {
    metadata: { name: 'e1', creationTimestamp: ago(10 * M) },
    involvedObject: { kind: 'Node', name: 'node-1' },
    reason: 'Starting', message: '  ', type: 'Normal',
    source: {}, eventTime: ago(10 * M), reportingComponent: 'kube-proxy', reportingInstance: 'kube-proxy-node-1',
  };
  assert.deepEqual(cells(eventPrinter, base), ['10m', 'Normal', 'Starting', 'node/node-1', '', 'kube-proxy, kube-proxy-node-1', '', '10m', 1, 'e1']);
  const series = { ...base, series: { count: 4, lastObservedTime: ago(2 * M + 5 * S) } };
  assert.deepEqual(cells(eventPrinter, series).slice(0, 1).concat(cells(eventPrinter, series).slice(7, 9)), ['2m5s', '10m', 4]);
  assert.deepEqual(cells(eventPrinter, { involvedObject: { kind: 'Namespace' } }), ['<unknown>', '', '', 'namespace', '', '', '', '<unknown>', 1, '']);
});

test('events.k8s.io/v1 objects map onto the same cells', () => {
  const ev = {
    apiVersion: 'events.k8s.io/v1', kind: 'Event',
    metadata: { name: 'web.1', namespace: 'default', creationTimestamp: ago(5 * M) },
    regarding: { kind: 'Deployment', name: 'web', namespace: 'default' },
    reason: 'ScalingReplicaSet', note: 'Scaled up replica set web-7d4b9c8f5 to 3', type: 'Normal',
    eventTime: null, reportingController: 'deployment-controller', reportingInstance: '',
    deprecatedSource: { component: 'deployment-controller' }, deprecatedFirstTimestamp: ago(5 * M), deprecatedLastTimestamp: ago(M), deprecatedCount: 2,
  };
  assert.deepEqual(cells(eventsV1Printer, ev), [
    '60s', 'Normal', 'ScalingReplicaSet', 'deployment/web', '', 'deployment-controller', 'Scaled up replica set web-7d4b9c8f5 to 3', '5m', 2, 'web.1',
  ]);
});
