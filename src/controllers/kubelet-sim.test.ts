import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../client/types.js';
import { simulatedRunMs } from './kubelet-sim.js';

const pod = (restartPolicy: string, annotations: Record<string, string> = {}, ownerKind?: string): KObject => ({
  metadata: { annotations, ownerReferences: ownerKind ? [{ kind: ownerKind, name: 'o', controller: true }] : undefined },
  spec: { restartPolicy },
});

describe('simulated run time (which pods complete on the simulated kubelet)', () => {
  test("a Job's pods run for 0.5 s unless minikapi.dev/run-seconds says otherwise", () => {
    assert.equal(simulatedRunMs(pod('Never', {}, 'Job')), 500);
    assert.equal(simulatedRunMs(pod('OnFailure', { 'minikapi.dev/run-seconds': '3' }, 'Job')), 3000);
  });
  test('a bare pod with restartPolicy Never or OnFailure completes only with the annotation', () => {
    assert.equal(simulatedRunMs(pod('Never')), undefined);
    assert.equal(simulatedRunMs(pod('Never', { 'minikapi.dev/run-seconds': '0' })), 0);
  });
  test('restartPolicy Always never completes', () => {
    assert.equal(simulatedRunMs(pod('Always', { 'minikapi.dev/run-seconds': '1' }, 'Job')), undefined);
    assert.equal(simulatedRunMs(pod('Always', {}, 'ReplicaSet')), undefined);
  });
});
