import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { controllerNames } from './index.js';
import { CONTROLLER_IDENTITIES, controllerIdentity } from '../controllers/runtime/identities.js';
import { CONTROLLER_ROLES } from '../auth/bootstrap-policy-controllers.js';

const roles = new Set(CONTROLLER_ROLES.map(([name]) => name));

describe('controller identities', () => {
  test('every controller in CONTROLLERS has an identity', () => {
    const missing = controllerNames().filter((n) => !controllerIdentity(n));
    assert.deepEqual(missing, [], `add ${missing.join(', ')} to CONTROLLER_IDENTITIES (src/controllers/runtime/identities.ts)`);
  });

  test('every service account in the table has its bootstrap system:controller:<name> role', () => {
    const sas = Object.values(CONTROLLER_IDENTITIES).flatMap((id) => (id.kind === 'serviceAccount' ? [id.name] : []));
    assert.deepEqual(sas.filter((n) => !roles.has(n)), []);
  });

  test('upstream service-account names, including the controllers other work adds', () => {
    const sa = (c: string) => {
      const id = controllerIdentity(c);
      return id?.kind === 'serviceAccount' ? id.name : id?.kind;
    };
    assert.equal(sa('deployment'), 'deployment-controller');
    assert.equal(sa('garbagecollector'), 'generic-garbage-collector');
    assert.equal(sa('daemonset'), 'daemon-set-controller');
    assert.equal(sa('endpoints'), 'endpoint-controller');
    assert.equal(sa('persistentvolume-binder'), 'persistent-volume-binder');
    assert.equal(sa('taint-eviction'), 'node-controller');
    assert.equal(sa('csrsigning'), 'certificate-controller');
    assert.equal(sa('csrapproving'), 'certificate-controller');
    assert.equal(sa('pvc-protection'), 'pvc-protection-controller');
    assert.equal(sa('pv-protection'), 'pv-protection-controller');
    assert.equal(sa('horizontalpodautoscaling'), 'horizontal-pod-autoscaler');
    assert.equal(sa('endpointslice-mirroring'), 'endpointslicemirroring-controller');
    assert.equal(sa('serviceaccount-token'), 'controllerManager');
    assert.deepEqual(controllerIdentity('default-scheduler'), { kind: 'user', username: 'system:kube-scheduler', groups: ['system:authenticated'], program: 'kube-scheduler', name: 'scheduler' });
    assert.equal(controllerIdentity('toString'), undefined);
  });
});
