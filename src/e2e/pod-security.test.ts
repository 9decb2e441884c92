// PodSecurity admission with real kubectl: enforce refuses in upstream's words, warn prints kubectl
// warnings for workloads, baseline allows what restricted refuses, and labels are checked and warn
// about the pods a namespace already runs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestCluster, type TestCluster } from '../testing/harness.js';

const RESTRICTED_SC = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };

function pod(name: string, securityContext?: Record<string, unknown>) {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx', ...(securityContext ? { securityContext } : {}) }] } });
}

const RESTRICTED_BARE = 'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

describe('PodSecurity admission', () => {
  let c: TestCluster;
  const dir = mkdtempSync(join(tmpdir(), 'minikapi-psa-'));
  const auditLog = join(dir, 'audit.log');

  before(async () => {
    writeFileSync(join(dir, 'policy.yaml'), 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: ["RequestReceived"]\nrules:\n- level: Metadata\n  resources:\n  - group: ""\n    resources: ["pods"]\n- level: None\n');
    c = await startTestCluster({ auditLogPath: auditLog, auditPolicyFile: join(dir, 'policy.yaml') });
    for (const ns of ['strict', 'base', 'warned', 'existing', 'audited']) await c.k(['create', 'namespace', ns]);
    await c.k(['label', 'ns', 'strict', 'pod-security.kubernetes.io/enforce=restricted']);
    await c.k(['label', 'ns', 'base', 'pod-security.kubernetes.io/enforce=baseline']);
    await c.k(['label', 'ns', 'warned', 'pod-security.kubernetes.io/warn=restricted']);
  });

  after(async () => {
    await c?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('restricted refuses a privileged pod with upstream text', async () => {
    const r = await c.kubectl(['create', '-n', 'strict', '-f', '-'], { stdin: pod('priv', { privileged: true }) });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim(),
      `Error from server (Forbidden): error when creating "STDIN": pods "priv" is forbidden: violates PodSecurity "restricted:latest": privileged (container "c" must not set securityContext.privileged=true), ${RESTRICTED_BARE}`,
    );
  });

  test('restricted accepts a compliant pod', async () => {
    assert.equal((await c.k(['create', '-n', 'strict', '-f', '-'], { stdin: pod('ok', RESTRICTED_SC) })).trim(), 'pod/ok created');
  });

  test('baseline allows what restricted refuses, and refuses privileged', async () => {
    const r = await c.kubectl(['create', '-n', 'base', '-f', '-'], { stdin: pod('plain') });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const denied = await c.kubectl(['create', '-n', 'base', '-f', '-'], { stdin: pod('priv', { privileged: true }) });
    assert.equal(denied.stderr.trim(), 'Error from server (Forbidden): error when creating "STDIN": pods "priv" is forbidden: violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)');
  });

  test('warn mode prints a kubectl warning for a deployment and still creates it', async () => {
    const r = await c.kubectl(['create', 'deployment', 'web', '--image=nginx', '-n', 'warned']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'deployment.apps/web created');
    assert.equal(
      r.stderr.trim(),
      'Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "nginx" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "nginx" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "nginx" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  test('enforce does not refuse workload templates: they are warned at the enforce level, which warn follows', async () => {
    const r = await c.kubectl(['create', 'deployment', 'web', '--image=nginx', '-n', 'strict']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `Warning: would violate PodSecurity "restricted:latest": ${RESTRICTED_BARE.replaceAll('"c"', '"nginx"')}\n`);
  });

  test('an invalid level is refused as an invalid Namespace', async () => {
    const r = await c.kubectl(['label', 'ns', 'strict', '--overwrite', 'pod-security.kubernetes.io/enforce=strict']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'The Namespace "strict" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted');
    const bad = await c.kubectl(['create', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bad', labels: { 'pod-security.kubernetes.io/warn-version': '1.25' } } }) });
    assert.equal(bad.stderr.trim(), 'The Namespace "bad" is invalid: metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: "1.25": must be "latest" or "v1.x"');
  });

  test('labelling a namespace with an enforce level warns about its existing pods', async () => {
    for (const name of ['p2', 'p1']) await c.k(['create', '-n', 'existing', '-f', '-'], { stdin: pod(name) });
    await c.k(['create', '-n', 'existing', '-f', '-'], { stdin: pod('hp', { privileged: true }) });
    const r = await c.kubectl(['label', 'ns', 'existing', 'pod-security.kubernetes.io/enforce=restricted']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'namespace/existing labeled');
    assert.deepEqual(r.stderr.trim().split('\n'), [
      'Warning: existing pods in namespace "existing" violate the new PodSecurity enforce level "restricted:latest"',
      'Warning: hp: privileged, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
      'Warning: p1 (and 1 other pod): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
    ]);
    // relaxing the level checks nothing
    const relaxed = await c.kubectl(['label', 'ns', 'existing', '--overwrite', 'pod-security.kubernetes.io/enforce=baseline']);
    assert.equal(relaxed.stderr, '');
  });

  test('audit mode records the violations as an audit annotation of the pod create', async () => {
    await c.k(['label', 'ns', 'audited', 'pod-security.kubernetes.io/audit=restricted', 'pod-security.kubernetes.io/enforce=baseline']);
    const r = await c.kubectl(['create', '-n', 'audited', '-f', '-'], { stdin: pod('a') });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    type Event = { verb: string; objectRef?: { namespace?: string; name?: string }; annotations?: Record<string, string> };
    const find = () => readFileSync(auditLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Event).find((e) => e.verb === 'create' && e.objectRef?.namespace === 'audited' && e.objectRef?.name === 'a');
    // the ResponseComplete event may be written just after kubectl has its answer
    let create = find();
    for (let i = 0; i < 20 && !create; i++) {
      await sleep(100);
      create = find();
    }
    assert.ok(create, 'no audit event for the pod create');
    assert.equal(create.annotations?.['pod-security.kubernetes.io/enforce-policy'], 'baseline:latest');
    assert.equal(create.annotations?.['pod-security.kubernetes.io/audit-violations'], `would violate PodSecurity "restricted:latest": ${RESTRICTED_BARE}`);
  });
});
