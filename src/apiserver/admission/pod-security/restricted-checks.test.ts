import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePod, forbiddenDetail } from './evaluate.js';

const detail = (level: 'baseline' | 'restricted', spec: Record<string, unknown>, minor = 33, metadata: Record<string, unknown> = {}) => forbiddenDetail(evaluatePod(level, minor, metadata, spec));
const compliant = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };

describe('PodSecurity restricted checks', () => {
  test('a bare container violates the four restricted checks in upstream order with its messages', () => {
    assert.equal(
      detail('restricted', { containers: [{ name: 'c', image: 'nginx' }] }),
      'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  test('a compliant pod passes restricted', () => {
    assert.equal(detail('restricted', { containers: [{ name: 'c', securityContext: compliant }] }), '');
  });

  test('pod-level runAsNonRoot and seccomp cover containers; explicit false values name pod and containers', () => {
    const sc = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
    assert.equal(detail('restricted', { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Localhost' } }, containers: [{ name: 'a', securityContext: sc }] }), '');
    assert.equal(
      detail('restricted', { securityContext: { runAsNonRoot: false, seccompProfile: { type: 'Unconfined' } }, containers: [{ name: 'a', securityContext: { ...sc, runAsNonRoot: false } }, { name: 'b', securityContext: sc }] }),
      'runAsNonRoot != true (pod and container "a" must not set securityContext.runAsNonRoot=false), seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
    );
  });

  test('runAsUser=0, added capabilities and restricted volume types', () => {
    assert.equal(
      detail('restricted', {
        securityContext: { runAsUser: 0 },
        volumes: [{ name: 'nfs', nfs: { server: 's', path: '/' } }, { name: 'cm', configMap: { name: 'x' } }, { name: 'git', gitRepo: { repository: 'r' } }],
        containers: [{ name: 'a', securityContext: { ...compliant, runAsUser: 0, capabilities: { drop: ['ALL'], add: ['SYS_ADMIN', 'NET_BIND_SERVICE', 'CHOWN'] } } }, { name: 'b', securityContext: { ...compliant, capabilities: { add: ['NET_BIND_SERVICE'] } } }],
      }),
      'unrestricted capabilities (container "b" must set securityContext.capabilities.drop=["ALL"]; container "a" must not include "CHOWN", "SYS_ADMIN" in securityContext.capabilities.add), restricted volume types (volumes ["git" "nfs"] have restricted types), runAsUser=0 (pod and container "a" must not set runAsUser=0)',
    );
  });

  test('several containers are pluralized and listed init containers first', () => {
    assert.equal(
      detail('restricted', { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, initContainers: [{ name: 'i', securityContext: { capabilities: { drop: ['ALL'] } } }], containers: [{ name: 'c', securityContext: { capabilities: { drop: ['ALL'] } } }] }),
      'allowPrivilegeEscalation != false (containers "i", "c" must set securityContext.allowPrivilegeEscalation=false)',
    );
  });

  test('older policy versions skip checks that did not exist yet', () => {
    assert.equal(detail('restricted', { containers: [{ name: 'c', securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true } }] }, 18), '');
  });

  test('from v1.25 Windows pods skip privilege escalation, capabilities and seccomp', () => {
    const spec = { os: { name: 'windows' }, containers: [{ name: 'c' }] };
    assert.equal(detail('restricted', spec), 'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true)');
    assert.match(detail('restricted', spec, 24), /^allowPrivilegeEscalation != false .*unrestricted capabilities .*seccompProfile/);
  });

  test('image volumes pass restricted at every policy version (added to the v1.0 check in v1.33)', () => {
    const spec = { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, volumes: [{ name: 'i', image: { reference: 'busybox' } }], containers: [{ name: 'c', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }] };
    assert.equal(detail('restricted', spec), '');
    assert.equal(detail('restricted', spec, 25), '');
  });
});
