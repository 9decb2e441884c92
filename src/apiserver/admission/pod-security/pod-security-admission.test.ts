import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../../apimachinery/errors.js';
import type { Registry } from '../../../registry/index.js';
import type { WatchSink } from '../../../registry/store.js';
import type { AdmissionAttributes, KObject, RequestContext, ResourceDef } from '../../../registry/types.js';
import { PodSecurityAdmission } from './pod-security-admission.js';

const LABELS = { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'v1.21' };

function fakeRegistry(labels: Record<string, string>, pods: KObject[] = []): Registry {
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app', labels } } as unknown as KObject;
  const namespaces = {
    watch: async (_ns: string, _opts: unknown, sink: WatchSink) => {
      sink.event('ADDED', ns, 1);
      return { stop() {}, startRevision: 1 };
    },
    get: async () => ns,
  };
  const podStore = { list: async () => ({ items: pods, resourceVersion: '1' }) };
  return { store: (_g: string, _v: string, r: string) => (r === 'namespaces' ? namespaces : r === 'pods' ? podStore : undefined) } as unknown as Registry;
}

function attrs(group: string, resource: string, operation: 'CREATE' | 'UPDATE', subresource = ''): AdmissionAttributes {
  return { def: { group, resource } as ResourceDef, operation, namespace: 'app', name: 'x', subresource };
}

function ctx(): RequestContext & { auditAnnotations: Record<string, string> } {
  return { user: { username: 'u', groups: [] }, dryRun: false, warnings: [], services: {} as RequestContext['services'], auditAnnotations: {} };
}

const bare = (image = 'nginx') => ({ metadata: { name: 'x' }, spec: { containers: [{ name: 'c', image }] } }) as unknown as KObject;
const privileged = { metadata: { name: 'x' }, spec: { containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }] } } as unknown as KObject;

// v1.21 predates the capabilities check (v1.22) but has seccomp (v1.19)
const RESTRICTED_V121 = 'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';
const RESTRICTED_LATEST = 'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

describe('PodSecurityAdmission', () => {
  test('an allowed pod gets the enforce-policy and audit-violations annotations and a warning at the warn version', async () => {
    const psa = new PodSecurityAdmission(fakeRegistry(LABELS));
    const c = ctx();
    await psa.validate(attrs('', 'pods', 'CREATE'), bare(), undefined, c);
    assert.deepEqual(c.auditAnnotations, {
      'pod-security.kubernetes.io/enforce-policy': 'baseline:latest',
      'pod-security.kubernetes.io/audit-violations': `would violate PodSecurity "restricted:latest": ${RESTRICTED_LATEST}`,
    });
    assert.deepEqual(c.warnings, [`would violate PodSecurity "restricted:v1.21": ${RESTRICTED_V121}`]);
  });

  test('a refused pod is 403 Forbidden, audited, and not also warned', async () => {
    const psa = new PodSecurityAdmission(fakeRegistry(LABELS));
    const c = ctx();
    await assert.rejects(psa.validate(attrs('', 'pods', 'CREATE'), privileged, undefined, c), (e: StatusError) => {
      assert.equal(e.code, 403);
      assert.equal(e.reason, 'Forbidden');
      assert.equal(e.message, 'pods "x" is forbidden: violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)');
      return true;
    });
    assert.deepEqual(c.warnings, []);
    assert.match(c.auditAnnotations['pod-security.kubernetes.io/audit-violations'], /^would violate PodSecurity "restricted:latest": privileged \(container "c" must not set securityContext.privileged=true\), allowPrivilegeEscalation/);
  });

  test('pod updates that change no image, and status writes, are not evaluated', async () => {
    const psa = new PodSecurityAdmission(fakeRegistry(LABELS));
    const c = ctx();
    await psa.validate(attrs('', 'pods', 'UPDATE'), privileged, privileged, c);
    await psa.validate(attrs('', 'pods', 'UPDATE', 'status'), privileged, bare(), c);
    assert.deepEqual(c.warnings, []);
    await assert.rejects(psa.validate(attrs('', 'pods', 'UPDATE'), { ...privileged, spec: { containers: [{ name: 'c', image: 'nginx:2', securityContext: { privileged: true } }] } } as unknown as KObject, privileged, ctx()), /is forbidden: violates PodSecurity/);
  });

  test('a CronJob template is warned and audited, never refused', async () => {
    const psa = new PodSecurityAdmission(fakeRegistry(LABELS));
    const c = ctx();
    const cronjob = { metadata: { name: 'x' }, spec: { jobTemplate: { spec: { template: privileged } } } } as unknown as KObject;
    await psa.validate(attrs('batch', 'cronjobs', 'CREATE'), cronjob, undefined, c);
    assert.deepEqual(c.warnings, [`would violate PodSecurity "restricted:v1.21": privileged (container "c" must not set securityContext.privileged=true), ${RESTRICTED_V121}`]);
    assert.equal(c.auditAnnotations['pod-security.kubernetes.io/enforce-policy'], undefined);
  });

  test('namespaces without labels are fully privileged: nothing is evaluated', async () => {
    const psa = new PodSecurityAdmission(fakeRegistry({}));
    const c = ctx();
    await psa.validate(attrs('', 'pods', 'CREATE'), privileged, undefined, c);
    assert.deepEqual(c.warnings, []);
    assert.deepEqual(c.auditAnnotations, { 'pod-security.kubernetes.io/enforce-policy': 'privileged:latest' });
  });

  test('a namespace whose labels no longer parse enforces restricted and records the parse error', async () => {
    const psa = new PodSecurityAdmission(fakeRegistry({ 'pod-security.kubernetes.io/enforce': 'strict' }));
    const c = ctx();
    await assert.rejects(psa.validate(attrs('', 'pods', 'CREATE'), bare(), undefined, c), /violates PodSecurity "restricted:latest"/);
    assert.equal(c.auditAnnotations['pod-security.kubernetes.io/error'], 'Failed to parse policy: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted');
  });

  test('raising the enforce level warns once per distinct violation with the first pod name and a count', async () => {
    const mk = (name: string, privileged = false) => ({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx', securityContext: { privileged } }] } }) as unknown as KObject;
    const psa = new PodSecurityAdmission(fakeRegistry({}, [mk('d'), mk('b'), mk('c'), mk('z', true)]));
    const c = ctx();
    const ns = (labels: Record<string, string>) => ({ metadata: { name: 'app', labels } }) as unknown as KObject;
    const a = { ...attrs('', 'namespaces', 'UPDATE'), namespace: '', name: 'app' };
    await psa.validate(a, ns({ 'pod-security.kubernetes.io/enforce': 'baseline' }), ns({}), c);
    assert.deepEqual(c.warnings, ['existing pods in namespace "app" violate the new PodSecurity enforce level "baseline:latest"', 'z: privileged']);
    const c2 = ctx();
    await psa.validate(a, ns({ 'pod-security.kubernetes.io/enforce': 'restricted' }), ns({ 'pod-security.kubernetes.io/enforce': 'baseline' }), c2);
    assert.deepEqual(c2.warnings, [
      'existing pods in namespace "app" violate the new PodSecurity enforce level "restricted:latest"',
      'b (and 2 other pods): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
      'z: privileged, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
    ]);
    const c3 = ctx();
    await psa.validate(a, ns({ 'pod-security.kubernetes.io/enforce': 'baseline' }), ns({ 'pod-security.kubernetes.io/enforce': 'restricted' }), c3);
    assert.deepEqual(c3.warnings, []);
  });

  test('namespace labels are validated on create, and on update only when their errors change', async () => {
    const psa = new PodSecurityAdmission(fakeRegistry({}));
    const ns = (labels: Record<string, string>) => ({ metadata: { name: 'app', labels } }) as unknown as KObject;
    const bad = ns({ 'pod-security.kubernetes.io/enforce': 'strict' });
    await assert.rejects(psa.validate({ ...attrs('', 'namespaces', 'CREATE'), name: 'app' }, bad, undefined, ctx()), (e: StatusError) => {
      assert.equal(e.code, 422);
      assert.equal(e.message, 'Namespace "app" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted');
      return true;
    });
    await psa.validate({ ...attrs('', 'namespaces', 'UPDATE'), name: 'app' }, ns({ ...bad.metadata.labels, other: 'x' }), bad, ctx());
  });
});
