import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePod, forbiddenDetail } from './evaluate.js';

const detail = (spec: Record<string, unknown>) => forbiddenDetail(evaluatePod('baseline', 33, {}, spec));

describe('PodSecurity baseline host checks', () => {
  test('host namespaces, hostPath volumes, host ports, privileged and hostProcess in upstream order', () => {
    assert.equal(
      detail({
        hostPID: true,
        hostNetwork: true,
        hostIPC: true,
        securityContext: { windowsOptions: { hostProcess: true } },
        volumes: [{ name: 'root', hostPath: { path: '/' } }, { name: 'e', emptyDir: {} }, { name: 'dev', hostPath: { path: '/dev' } }],
        containers: [
          { name: 'a', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 443 }], securityContext: { privileged: true, windowsOptions: { hostProcess: true } } },
          { name: 'b', ports: [{ containerPort: 82, hostPort: 8080 }] },
        ],
      }),
      'host namespaces (hostIPC, hostNetwork, hostPID), hostPath volumes (volumes "root", "dev"), hostPort (containers "a", "b" use hostPorts 443, 8080), privileged (container "a" must not set securityContext.privileged=true), hostProcess (pod and container "a" must not set securityContext.windowsOptions.hostProcess=true)',
    );
  });

  test('one container with one host port is singular', () => {
    assert.equal(detail({ containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 80 }] }] }), 'hostPort (container "c" uses hostPort 80)');
  });

  test('privileged: false and hostPort 0 are allowed', () => {
    assert.equal(detail({ containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 0 }], securityContext: { privileged: false } }] }), '');
  });

  test('the privileged level allows everything', () => {
    assert.deepEqual(evaluatePod('privileged', 33, {}, { hostPID: true, containers: [{ name: 'c', securityContext: { privileged: true } }] }), []);
  });
});
