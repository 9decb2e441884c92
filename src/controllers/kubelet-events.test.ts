import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { containerStartEvents, containerStopEvents, goDuration } from './kubelet-events.js';

describe('kubelet events', () => {
  test('durations print as Go prints time.Duration', () => {
    assert.deepEqual([0, 7, 523, 1000, 1200, 1234, 61_500, 3_600_000].map(goDuration), ['0s', '7ms', '523ms', '1s', '1.2s', '1.234s', '1m1.5s', '1h0m0s']);
  });

  test('pull policy decides between pulling and "already present"; the node remembers what it pulled', () => {
    const present = new Set<string>();
    const pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'redis:7', imagePullPolicy: 'IfNotPresent' }, { name: 'b', image: 'nginx', imagePullPolicy: 'Always' }, { name: 'c', image: 'local:1', imagePullPolicy: 'Never' }] } };
    const reasons = (evs: ReturnType<typeof containerStartEvents>) => evs.map((e) => `${e.fieldPath} ${e.reason}`);
    assert.deepEqual(reasons(containerStartEvents(pod, present)), [
      'spec.containers{a} Pulling', 'spec.containers{a} Pulled', 'spec.containers{a} Created', 'spec.containers{a} Started',
      'spec.containers{b} Pulling', 'spec.containers{b} Pulled', 'spec.containers{b} Created', 'spec.containers{b} Started',
      'spec.containers{c} Pulled', 'spec.containers{c} Created', 'spec.containers{c} Started',
    ]);
    const again = containerStartEvents(pod, present);
    assert.equal(again[0]!.message, 'Container image "redis:7" already present on machine');
    assert.equal(again[1]!.message, 'Created container: a');
    assert.equal(again[3]!.message, 'Pulling image "nginx"');
    assert.deepEqual(containerStopEvents(pod).map((e) => e.message), ['Stopping container a', 'Stopping container b', 'Stopping container c']);
  });
});
