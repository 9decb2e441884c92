import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePod, forbiddenDetail } from './evaluate.js';

const detail = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}, minor = 33) => forbiddenDetail(evaluatePod('baseline', minor, metadata, spec));

describe('PodSecurity baseline security-context checks', () => {
  test('capabilities beyond the default set, sorted and de-duplicated', () => {
    assert.equal(
      detail({ containers: [{ name: 'a', securityContext: { capabilities: { add: ['SYS_ADMIN', 'CHOWN', 'NET_RAW'] } } }, { name: 'b', securityContext: { capabilities: { add: ['NET_RAW'] } } }] }),
      'non-default capabilities (containers "a", "b" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)',
    );
  });

  test('seccomp Unconfined is refused at baseline; unset is allowed', () => {
    assert.equal(detail({ containers: [{ name: 'c', securityContext: { seccompProfile: { type: 'Unconfined' } } }] }), 'seccompProfile (container "c" must not set securityContext.seccompProfile.type to "Unconfined")');
    assert.equal(detail({ containers: [{ name: 'c' }] }), '');
  });

  test('seccomp annotations are checked by policies before v1.19', () => {
    assert.equal(detail({ containers: [{ name: 'c' }] }, { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } }, 18), 'seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined")');
  });

  test('AppArmor profile types and annotations', () => {
    assert.equal(
      detail({ securityContext: { appArmorProfile: { type: 'Unconfined' } }, containers: [{ name: 'c', securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'p' } } }, { name: 'd', securityContext: { appArmorProfile: { type: 'Unconfined' } } }] }, { annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' } }),
      'forbidden AppArmor profiles (pod and container "d" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/c="unconfined"")',
    );
    assert.equal(detail({ containers: [{ name: 'c', securityContext: { appArmorProfile: { type: 'Unconfined' } } }] }), 'forbidden AppArmor profile (container "c" must not set AppArmor profile type to "Unconfined")');
    assert.equal(detail({ containers: [{ name: 'c' }] }, { annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'runtime/default' } }), '');
  });

  test('SELinux types, users and roles', () => {
    assert.equal(
      detail({ securityContext: { seLinuxOptions: { type: 'spc_t', user: 'root' } }, containers: [{ name: 'c', securityContext: { seLinuxOptions: { role: 'sysadm_r' } } }] }),
      'seLinuxOptions (pod and container "c" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set; role may not be set)',
    );
    assert.equal(detail({ containers: [{ name: 'c', securityContext: { seLinuxOptions: { type: 'container_t', level: 's0:c1' } } }] }), '');
  });

  test('/proc mount and sysctls', () => {
    assert.equal(
      detail({ securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }, { name: 'net.ipv4.tcp_syncookies', value: '1' }, { name: 'vm.swappiness', value: '1' }] }, containers: [{ name: 'c', securityContext: { procMount: 'Unmasked' } }, { name: 'd', securityContext: { procMount: 'Default' } }] }),
      'procMount (container "c" must not set securityContext.procMount to "Unmasked"), forbidden sysctls (kernel.msgmax, vm.swappiness)',
    );
  });
});
