// Conversions between served versions that share one stored object, and the cron schedule check.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hpaV1ToV2, hpaV2ToV1 } from './autoscaling.js';
import { coreEventToV1, v1EventToCore } from './events-v1.js';
import { cronScheduleError } from './cron.js';

const meta = { name: 'web', namespace: 'default', uid: 'u' };
const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

describe('autoscaling/v2 ↔ autoscaling/v1', () => {
  const cases: { name: string; v2: Record<string, unknown>; v1: Record<string, unknown> }[] = [
    {
      name: 'a CPU utilization target is the v1 field, nothing in annotations',
      v2: { spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] }, status: { desiredReplicas: 2, currentReplicas: 2, currentMetrics: null } },
      v1: { metadata: meta, spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 50 }, status: { currentReplicas: 2, desiredReplicas: 2 } },
    },
    {
      name: 'other metrics, current metrics and conditions ride in annotations in the v2beta1 shape',
      v2: {
        spec: {
          scaleTargetRef: ref,
          minReplicas: 2,
          maxReplicas: 9,
          metrics: [
            { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
            { type: 'Object', object: { describedObject: { kind: 'Ingress', name: 'main', apiVersion: 'networking.k8s.io/v1' }, metric: { name: 'hits' }, target: { type: 'Value', value: '2k' } } },
            { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } },
          ],
        },
        status: {
          desiredReplicas: 3,
          currentMetrics: [{ type: 'Pods', pods: { metric: { name: 'qps' }, current: { averageValue: '12' } } }],
          conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z', reason: 'ReadyForNewScale', message: 'ok' }],
        },
      },
      v1: {
        metadata: {
          ...meta,
          annotations: {
            'autoscaling.alpha.kubernetes.io/metrics':
              '[{"type":"Pods","pods":{"metricName":"qps","targetAverageValue":"10"}},{"type":"Object","object":{"target":{"kind":"Ingress","name":"main","apiVersion":"networking.k8s.io/v1"},"metricName":"hits","targetValue":"2k"}},{"type":"External","external":{"metricName":"queue","targetAverageValue":"30"}}]',
            'autoscaling.alpha.kubernetes.io/current-metrics': '[{"type":"Pods","pods":{"metricName":"qps","currentAverageValue":"12"}}]',
            'autoscaling.alpha.kubernetes.io/conditions': '[{"type":"AbleToScale","status":"True","lastTransitionTime":"2025-01-01T00:00:00Z","reason":"ReadyForNewScale","message":"ok"}]',
          },
        },
        spec: { scaleTargetRef: ref, minReplicas: 2, maxReplicas: 9 },
        status: { currentReplicas: 0, desiredReplicas: 3 },
      },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const v2 = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta, ...c.v2 };
      const v1 = hpaV2ToV1(structuredClone(v2));
      assert.deepEqual(v1, { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', ...c.v1 });
      const back = hpaV1ToV2(v1);
      assert.deepEqual(back.spec.metrics, (c.v2.spec as { metrics: unknown }).metrics);
      assert.deepEqual(back.status.conditions, (c.v2.status as { conditions?: unknown }).conditions);
      assert.deepEqual(back.metadata, meta);
    });
  }

  test('a v1 object without a target gets the implicit CPU 80% metric', () => {
    const v2 = hpaV1ToV2({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: { scaleTargetRef: ref, maxReplicas: 4 } });
    assert.deepEqual(v2.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  });
});

describe('core/v1 Event ↔ events.k8s.io/v1 Event', () => {
  test('renamed fields map both ways and Go zero values appear as upstream serialises them', () => {
    const core = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'p' },
      reason: 'Pulled',
      message: 'pulled',
      source: { component: 'kubelet' },
      count: 3,
      firstTimestamp: '2025-01-01T00:00:00Z',
      lastTimestamp: '2025-01-01T00:01:00Z',
      reportingComponent: '',
      reportingInstance: '',
      type: 'Normal',
    };
    const v1 = coreEventToV1(structuredClone(core));
    assert.deepEqual(v1, {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'default' },
      regarding: { kind: 'Pod', name: 'p' },
      reason: 'Pulled',
      note: 'pulled',
      deprecatedSource: { component: 'kubelet' },
      deprecatedCount: 3,
      deprecatedFirstTimestamp: '2025-01-01T00:00:00Z',
      deprecatedLastTimestamp: '2025-01-01T00:01:00Z',
      type: 'Normal',
      eventTime: null,
    });
    const back = v1EventToCore(structuredClone(v1));
    assert.deepEqual(back.involvedObject, core.involvedObject);
    assert.equal(back.message, 'pulled');
    assert.equal(back.count, 3);
    assert.equal(back.apiVersion, 'v1');
  });
});

describe('cron schedules (robfig/cron standard parser messages)', () => {
  const cases: [string, string | undefined][] = [
    ['*/5 * * * *', undefined],
    ['0 3 * * mon-fri', undefined],
    ['@hourly', undefined],
    ['@every 1h30m', undefined],
    ['CRON_TZ=UTC 0 * * * *', undefined],
    ['* * *', 'expected exactly 5 fields, found 3: [* * *]'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['5-2 * * * *', 'beginning of range (5) beyond end of range (2): 5-2'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ['', 'empty spec string'],
  ];
  for (const [spec, want] of cases) test(`${JSON.stringify(spec)} → ${want ?? 'valid'}`, () => assert.equal(cronScheduleError(spec), want));
});
