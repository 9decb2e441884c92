import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '../../apimachinery/errors.js';
import { dropNonResizeUpdates, validatePodResize } from './pod-resize.js';

const pod = (extra: Record<string, unknown> = {}) => ({
  metadata: { name: 'p', labels: { a: 'b' } },
  spec: {
    initContainers: [
      { name: 'init', image: 'busybox', resources: { requests: { cpu: '10m' } } },
      { name: 'side', image: 'busybox', restartPolicy: 'Always', resources: { requests: { cpu: '10m' } } },
    ],
    containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '100m' } } }],
    ...extra,
  },
  status: { qosClass: 'Burstable' },
});
const errs = (obj: ReturnType<typeof pod>, old: ReturnType<typeof pod>) => validatePodResize(obj, old).map(fieldErrorString);

describe('pods/resize strategy and validation', () => {
  test('only resources and resizePolicy of containers and init containers are kept from the request', () => {
    const old = pod();
    const obj = pod({ nodeName: 'elsewhere' });
    obj.metadata.labels = { a: 'changed' };
    obj.spec.containers[0].image = 'busybox';
    obj.spec.containers[0].resources.requests.cpu = '200m';
    obj.spec.initContainers[1].resources.requests.cpu = '20m';
    dropNonResizeUpdates(obj, old);
    assert.deepEqual(obj.metadata.labels, { a: 'b' });
    assert.equal((obj.spec as Record<string, unknown>).nodeName, undefined);
    assert.deepEqual([obj.spec.containers[0].image, obj.spec.containers[0].resources.requests.cpu, obj.spec.initContainers[1].resources.requests.cpu], ['nginx', '200m', '20m']);
    assert.deepEqual(errs(obj, old), []);
  });

  test('a sidecar may be resized; a plain init container may not', () => {
    const old = pod();
    const obj = pod();
    obj.spec.initContainers[0].resources.requests.cpu = '20m';
    assert.deepEqual(errs(obj, old), ['spec: Forbidden: resources for non-sidecar init containers are immutable']);
    // a resource list the stored container lacks is left out of the comparison, as upstream's dropCPUMemoryUpdates does
    const side = pod();
    (side.spec.initContainers[1].resources.requests as Record<string, string>)['ephemeral-storage'] = '1Gi';
    assert.deepEqual(errs(side, old), ['spec: Forbidden: only cpu and memory resources for sidecar containers are mutable']);
    const removed = pod();
    removed.spec.initContainers[1].resources = {} as typeof removed.spec.initContainers[1]['resources'];
    assert.deepEqual(errs(removed, old), ['spec.initContainers[1].resources.requests: Forbidden: resource requests cannot be removed']);
  });

  test('static, windows and pod-level-resources pods cannot be resized', () => {
    const mirror = pod();
    (mirror.metadata as Record<string, unknown>).annotations = { 'kubernetes.io/config.mirror': 'x' };
    assert.deepEqual(errs(pod(), mirror), [': Forbidden: static pods cannot be resized']);
    assert.deepEqual(errs(pod(), pod({ os: { name: 'windows' } })), [': Forbidden: windows pods cannot be resized']);
    assert.deepEqual(errs(pod(), pod({ resources: { requests: { cpu: '1' } } })), [': Forbidden: pods with pod-level resources cannot be resized']);
  });

  test('a pod whose running container reports no resources is on a node without resize support', () => {
    const old = pod();
    (old.status as Record<string, unknown>).containerStatuses = [{ name: 'app', state: { running: {} } }];
    assert.deepEqual(errs(pod(), old), ['spec: Forbidden: Pod running on node without support for resize']);
  });
});
