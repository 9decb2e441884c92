// --enable-admission-plugins, --disable-admission-plugins and --admission-control-config-file as kube-apiserver
// takes them: unknown names and bad configurations refused at start in upstream's words, disabled plugins
// not run, and PodSecurity's configured defaults and exemptions applied (real kubectl over HTTPS).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCluster, StartupError } from '../server/index.js';
import { API_TEST_CONTROLLERS, startTestCluster, type TestCluster } from '../testing/harness.js';
import { BIN } from '../testing/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'minikapi-admission-'));

function pod(name: string, extra: Record<string, unknown> = {}, securityContext?: Record<string, unknown>) {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx', ...(securityContext ? { securityContext } : {}) }], ...extra } });
}

async function startError(opts: Parameters<typeof startCluster>[0]): Promise<string> {
  try {
    const c = await startCluster({ port: 0, storage: 'memory', controllers: 'none', dataDir: mkdtempSync(join(dir, 'data-')), ...opts });
    await c.stop();
  } catch (e) {
    assert.ok(e instanceof StartupError, `not a StartupError: ${(e as Error).stack}`);
    return e.message;
  }
  throw new Error('the cluster started');
}

after(() => rmSync(dir, { recursive: true, force: true }));

describe('admission plugin flags at start', () => {
  test('an unknown plugin name is refused with upstream message', async () => {
    assert.equal(await startError({ enableAdmissionPlugins: ['AlwaysPullImage'] }), 'enable-admission-plugins plugin "AlwaysPullImage" is unknown');
    assert.equal(await startError({ disableAdmissionPlugins: ['PodSecurityPolicy'] }), 'disable-admission-plugins plugin "PodSecurityPolicy" is unknown');
  });

  test('several problems are reported together, and a plugin both enabled and disabled is refused', async () => {
    assert.equal(
      await startError({ enableAdmissionPlugins: ['Foo', 'NamespaceExists', 'PodSecurity'], disableAdmissionPlugins: ['PodSecurity', 'NamespaceExists', 'Bar'] }),
      '[enable-admission-plugins plugin "Foo" is unknown, disable-admission-plugins plugin "Bar" is unknown, [NamespaceExists PodSecurity] in enable-admission-plugins and disable-admission-plugins overlapped]',
    );
  });

  test('minikapi up exits 1 with the message on stderr', async () => {
    const child = spawn(process.execPath, [BIN, 'up', '--port', '0', '--storage', 'memory', '--data-dir', mkdtempSync(join(dir, 'cli-')), '--enable-admission-plugins', 'NamespaceExists,Nope'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: dir } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    assert.equal(code, 1);
    assert.equal(stderr, 'minikapi: enable-admission-plugins plugin "Nope" is unknown\n');
  });

  test('an admission configuration file that cannot be read is refused', async () => {
    const missing = join(dir, 'missing.yaml');
    assert.equal(await startError({ admissionControlConfigFile: missing }), `failed to apply admission: failed to read plugin config: unable to read admission control configuration from ${JSON.stringify(missing)} [open ${missing}: no such file or directory]`);
  });

  test('an invalid PodSecurityConfiguration is refused with upstream field errors, unless PodSecurity is disabled', async () => {
    const file = join(dir, 'bad-psa.yaml');
    writeFileSync(
      file,
      `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
    defaults:
      enforce: strict
      warn-version: "1.25"
    exemptions:
      namespaces: [a, a, Bad_NS]
      usernames: [""]
`,
    );
    assert.equal(
      await startError({ admissionControlConfigFile: file }),
      'failed to apply admission: failed to initialize admission plugin "PodSecurity": PodSecurity invalid: [defaults.enforce: Invalid value: "strict": must be one of privileged, baseline, restricted, defaults.warn-version: Invalid value: "1.25": must be "latest" or "v1.x", exemptions.namespaces[1]: Duplicate value: "a", exemptions.namespaces[2]: Invalid value: "Bad_NS": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\'), exemptions.usernames[0]: Invalid value: "": username must not be empty]',
    );
    const c = await startCluster({ port: 0, storage: 'memory', controllers: 'none', dataDir: mkdtempSync(join(dir, 'data-')), admissionControlConfigFile: file, disableAdmissionPlugins: ['PodSecurity'] });
    await c.stop();
  });

  test('a PodSecurityConfiguration with a field it does not have fails to decode', async () => {
    const file = join(dir, 'unknown-field.yaml');
    writeFileSync(file, 'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  configuration:\n    apiVersion: pod-security.admission.config.k8s.io/v1\n    kind: PodSecurityConfiguration\n    defaults:\n      enforced: baseline\n');
    assert.equal(await startError({ admissionControlConfigFile: file }), 'failed to apply admission: couldn\'t init admission plugin "PodSecurity": strict decoding error: unknown field "defaults.enforced"');
  });

  test('a ResourceQuotaConfiguration entry without its resource is refused', async () => {
    const file = join(dir, 'quota-no-resource.yaml');
    writeFileSync(file, 'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: ResourceQuota\n  configuration:\n    apiVersion: apiserver.config.k8s.io/v1\n    kind: ResourceQuotaConfiguration\n    limitedResources:\n    - resource: pods\n    - matchContains: [cpu]\n');
    assert.equal(await startError({ admissionControlConfigFile: file }), 'failed to apply admission: couldn\'t init admission plugin "ResourceQuota": limitedResources[1].resource: Required value');
  });
});

describe('disabled and enabled admission plugins', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ controllers: 'none', enableAdmissionPlugins: ['AlwaysPullImages'], disableAdmissionPlugins: ['TaintNodesByCondition', 'StorageObjectInUseProtection', 'ServiceAccount', 'DefaultTolerationSeconds', 'NamespaceLifecycle'] });
  });
  after(async () => {
    await c?.cleanup();
  });

  test('a disabled plugin does not run: no taint, no finalizer, no service account or tolerations', async () => {
    await c.k(['create', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'bare' } }) });
    assert.equal(await c.k(['get', 'node', 'bare', '-o', 'jsonpath={.spec.taints}']), '');
    await c.k(['create', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'bare' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }) });
    assert.equal(await c.k(['get', 'pvc', 'bare', '-o', 'jsonpath={.metadata.finalizers}']), '');
    await c.k(['create', '-f', '-'], { stdin: pod('bare') });
    const p = JSON.parse(await c.k(['get', 'pod', 'bare', '-o', 'json']));
    assert.equal(p.spec.serviceAccountName, undefined);
    assert.equal(p.spec.tolerations, undefined);
    assert.deepEqual(p.spec.volumes, undefined);
  });

  test('without NamespaceLifecycle an object can be made in a namespace that does not exist', async () => {
    assert.equal((await c.k(['create', 'configmap', 'lost', '-n', 'ghost'])).trim(), 'configmap/lost created');
    // nor does anything keep the immortal namespaces
    assert.equal((await c.k(['delete', 'namespace', 'kube-public', '--dry-run=server'])).trim(), 'namespace "kube-public" deleted (server dry run)');
  });

  test('plugins left enabled still run: Priority defaults the pod', async () => {
    assert.equal(await c.k(['get', 'pod', 'bare', '-o', 'jsonpath={.spec.priority} {.spec.preemptionPolicy}']), '0 PreemptLowerPriority');
  });

  test('an enabled AlwaysPullImages makes new pods and new images pull Always', async () => {
    const p = JSON.parse(pod('pulled'));
    p.spec.containers[0].imagePullPolicy = 'IfNotPresent';
    await c.k(['create', '-f', '-'], { stdin: JSON.stringify(p) });
    assert.equal(await c.k(['get', 'pod', 'pulled', '-o', 'jsonpath={.spec.containers[0].imagePullPolicy}']), 'Always');
    await c.k(['patch', 'pod', 'pulled', '--type=json', '-p', '[{"op":"replace","path":"/spec/containers/0/imagePullPolicy","value":"Never"},{"op":"replace","path":"/spec/containers/0/image","value":"nginx:1.27"}]']);
    assert.equal(await c.k(['get', 'pod', 'pulled', '-o', 'jsonpath={.spec.containers[0].image} {.spec.containers[0].imagePullPolicy}']), 'nginx:1.27 Always');
  });
});

describe('AlwaysDeny', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ controllers: 'none', enableAdmissionPlugins: ['AlwaysDeny'] });
  });
  after(async () => {
    await c?.cleanup();
  });

  test('refuses every write, reads still work', async () => {
    const r = await c.kubectl(['create', 'configmap', 'x']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'error: failed to create configmap: configmaps "x" is forbidden: admission control is denying all modifications');
    assert.equal((await c.k(['get', 'ns', 'default', '-o', 'name'])).trim(), 'namespace/default');
  });
});

describe('PodSecurity configured by --admission-control-config-file', () => {
  let c: TestCluster;
  const auditLog = join(dir, 'audit.log');
  type Event = { verb: string; objectRef?: { namespace?: string; name?: string }; annotations?: Record<string, string> };
  const auditOf = async (ns: string, name: string): Promise<Event> => {
    for (let i = 0; i < 100; i++) {
      const e = readFileSync(auditLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Event)
        .find((x) => x.verb === 'create' && x.objectRef?.namespace === ns && x.objectRef?.name === name);
      if (e) return e;
      await sleep(20);
    }
    throw new Error(`no audit event for ${ns}/${name}`);
  };

  before(async () => {
    writeFileSync(join(dir, 'policy.yaml'), 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: ["RequestReceived"]\nrules:\n- level: Metadata\n  resources:\n  - group: ""\n    resources: ["pods"]\n- level: None\n');
    // the plugin's configuration in a file of its own, named relative to the AdmissionConfiguration
    writeFileSync(
      join(dir, 'psa.yaml'),
      `apiVersion: pod-security.admission.config.k8s.io/v1
kind: PodSecurityConfiguration
defaults:
  enforce: baseline
  enforce-version: v1.33
  warn: restricted
exemptions:
  usernames: [jane]
  namespaces: [exempt]
  runtimeClasses: [kata]
`,
    );
    writeFileSync(join(dir, 'admission.yaml'), 'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  path: psa.yaml\n');
    c = await startTestCluster({ authorizationMode: 'AlwaysAllow', admissionControlConfigFile: join(dir, 'admission.yaml'), auditLogPath: auditLog, auditPolicyFile: join(dir, 'policy.yaml') });
    await c.k(['create', 'namespace', 'exempt']);
  });
  after(async () => {
    await c?.cleanup();
  });

  test('the default enforce level refuses a privileged pod in a namespace without labels', async () => {
    const r = await c.kubectl(['create', '-f', '-'], { stdin: pod('priv', {}, { privileged: true }) });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error from server (Forbidden): error when creating "STDIN": pods "priv" is forbidden: violates PodSecurity "baseline:v1.33": privileged (container "c" must not set securityContext.privileged=true)');
    assert.equal((await auditOf('default', 'priv')).annotations?.['pod-security.kubernetes.io/enforce-policy'], 'baseline:v1.33');
  });

  test('the default warn level warns about a pod baseline allows', async () => {
    const r = await c.kubectl(['create', '-f', '-'], { stdin: pod('plain') });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "c" must set securityContext.allowPrivilegeEscalation=false\), /);
  });

  test('namespace labels still override the defaults', async () => {
    await c.k(['create', 'namespace', 'open']);
    await c.k(['label', 'ns', 'open', 'pod-security.kubernetes.io/enforce=privileged', 'pod-security.kubernetes.io/warn=privileged']);
    const r = await c.kubectl(['create', '-n', 'open', '-f', '-'], { stdin: pod('priv', {}, { privileged: true }) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  });

  test('an exempt namespace lets a privileged pod through, with the exempt audit annotation', async () => {
    const r = await c.kubectl(['create', '-n', 'exempt', '-f', '-'], { stdin: pod('priv', {}, { privileged: true }) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const e = await auditOf('exempt', 'priv');
    assert.equal(e.annotations?.['pod-security.kubernetes.io/exempt'], 'namespace');
    assert.equal(e.annotations?.['pod-security.kubernetes.io/enforce-policy'], undefined);
  });

  test('an exempt user is let through anywhere', async () => {
    const r = await c.kubectl(['create', '--as=jane', '-f', '-'], { stdin: pod('janes', {}, { privileged: true }) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal((await auditOf('default', 'janes')).annotations?.['pod-security.kubernetes.io/exempt'], 'user');
    const other = await c.kubectl(['create', '--as=john', '-f', '-'], { stdin: pod('johns', {}, { privileged: true }) });
    assert.equal(other.code, 1);
  });

  test('an exempt runtime class is let through', async () => {
    await c.k(['create', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'kata' }, handler: 'kata' }) });
    const r = await c.kubectl(['create', '-f', '-'], { stdin: pod('sandboxed', { runtimeClassName: 'kata' }, { privileged: true }) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await auditOf('default', 'sandboxed')).annotations?.['pod-security.kubernetes.io/exempt'], 'runtimeClass');
  });

  test('labelling an exempt namespace warns that its policy is ignored (the version from the defaults)', async () => {
    const r = await c.kubectl(['label', 'ns', 'exempt', 'pod-security.kubernetes.io/enforce=restricted']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.trim(), 'Warning: namespace "exempt" is exempt from Pod Security, and the policy (enforce=restricted:v1.33) will be ignored');
  });
});

describe('ResourceQuota limitedResources from the admission configuration', () => {
  let c: TestCluster;
  const cpuPod = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '100m' } } }] } });
  before(async () => {
    const file = join(dir, 'quota.yaml');
    writeFileSync(
      file,
      `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: ResourceQuota
  configuration:
    apiVersion: apiserver.config.k8s.io/v1
    kind: ResourceQuotaConfiguration
    limitedResources:
    - resource: pods
      matchContains: ["cpu"]
    - resource: pods
      matchScopes:
      - scopeName: PriorityClass
        operator: In
        values: ["cluster-services"]
`,
    );
    c = await startTestCluster({ controllers: API_TEST_CONTROLLERS.replace(',-resourcequota', ''), admissionControlConfigFile: file });
  });
  after(async () => {
    await c?.cleanup();
  });

  test('a pod asking for cpu needs a quota that covers it; one that does not ask is let in', async () => {
    const r = await c.kubectl(['create', '-f', '-'], { stdin: cpuPod('hungry') });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error from server (Forbidden): error when creating "STDIN": pods "hungry" is forbidden: insufficient quota to consume: cpu,requests.cpu');
    assert.equal((await c.k(['create', '-f', '-'], { stdin: pod('modest') })).trim(), 'pod/modest created');
    // pods are charged both cpu and requests.cpu: a quota on one of them only leaves the other uncovered
    await c.k(['create', 'quota', 'partial', '--hard=requests.cpu=1']);
    for (let i = 0; (await c.k(['get', 'quota', 'partial', '-o', 'jsonpath={.status.used}'])) === '' && i < 200; i++) await sleep(25);
    assert.match((await c.kubectl(['create', '-f', '-'], { stdin: cpuPod('hungry') })).stderr, /insufficient quota to consume: cpu\n$/);
    await c.k(['create', 'quota', 'compute', '--hard=cpu=1']);
    for (let i = 0; (await c.k(['get', 'quota', 'compute', '-o', 'jsonpath={.status.used}'])) === '' && i < 200; i++) await sleep(25);
    assert.equal((await c.k(['create', '-f', '-'], { stdin: cpuPod('hungry') })).trim(), 'pod/hungry created');
  });

  test('a pod of a configured priority-class scope needs a quota selecting that scope (a 500, as upstream)', async () => {
    await c.k(['create', 'ns', 'scoped']);
    await c.k(['create', 'priorityclass', 'cluster-services', '--value=1000']);
    const critical = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'scoped' }, spec: { priorityClassName: 'cluster-services', containers: [{ name: 'c', image: 'nginx' }] } });
    const r = await c.kubectl(['create', '-f', '-'], { stdin: critical('vip') });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error from server: error when creating "STDIN": insufficient quota to match these scopes: [{PriorityClass In [cluster-services]}]');
    const quota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'critical', namespace: 'scoped' }, spec: { hard: { pods: '5' }, scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['cluster-services'] }] } } };
    await c.k(['create', '-f', '-'], { stdin: JSON.stringify(quota) });
    for (let i = 0; (await c.k(['get', 'quota', 'critical', '-n', 'scoped', '-o', 'jsonpath={.status.used}'])) === '' && i < 200; i++) await sleep(25);
    assert.equal((await c.k(['create', '-f', '-'], { stdin: critical('vip') })).trim(), 'pod/vip created');
    assert.equal(await c.k(['get', 'quota', 'critical', '-n', 'scoped', '-o', 'jsonpath={.status.used.pods}']), '1');
    // a pod outside the scope is let in without a quota of its own
    assert.equal((await c.k(['create', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'plain', namespace: 'scoped' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }) })).trim(), 'pod/plain created');
  });
});
