// The walking-skeleton acceptance suite, run once per kubectl version (see kubectl-1.*.test.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { spawnKubectl, startTestCluster, table, TESTDATA, type TestCluster } from '../testing/harness.js';

export function kubectlAcceptance(version: string): void {
  describe(`kubectl ${version} against minikapi`, () => {
    let c: TestCluster;
    const ns = 'acceptance';
    before(async () => {
      c = await startTestCluster({ kubectlVersion: version });
    });
    after(async () => {
      await c?.cleanup();
    });

    test('version reports the server as v1.33', async () => {
      const r = await c.kubectl(['version']);
      assert.equal(r.code, 0, r.stderr);
      // 1.27 prints version.Info{...GitVersion:"v1.27.16"...}, later versions the bare version
      assert.match(r.stdout, new RegExp(`Client Version: (version\\.Info\\{.*GitVersion:")?v${version.replace('.', '\\.')}\\.`));
      assert.match(r.stdout, /Server Version: (version\.Info\{Major:"1", Minor:"33", GitVersion:")?v1\.33\.1/);
    });

    test('api-resources lists the served kinds with short names and groups', async () => {
      const rows = table(await c.k(['api-resources', '--no-headers=false']));
      assert.deepEqual(rows[0], ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
      // the first row of a name: metrics.k8s.io serves nodes and pods too, as with metrics-server
      const byName = new Map<string, string[]>();
      for (const r of rows.slice(1)) if (!byName.has(r[0]!)) byName.set(r[0]!, r);
      assert.deepEqual(byName.get('pods'), ['pods', 'po', 'v1', 'true', 'Pod']);
      assert.deepEqual(byName.get('deployments'), ['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
      assert.deepEqual(byName.get('namespaces'), ['namespaces', 'ns', 'v1', 'false', 'Namespace']);
      assert.deepEqual(byName.get('leases'), ['leases', 'coordination.k8s.io/v1', 'true', 'Lease']);
      assert.deepEqual(byName.get('secrets'), ['secrets', 'v1', 'true', 'Secret']);
    });

    test('api-versions lists every group version', async () => {
      const out = (await c.k(['api-versions'])).trim().split('\n');
      for (const gv of ['v1', 'apps/v1', 'coordination.k8s.io/v1', 'authorization.k8s.io/v1']) assert.ok(out.includes(gv), `${gv} missing from ${out}`);
    });

    test('cluster-info names the control plane URL', async () => {
      const out = await c.k(['cluster-info']);
      assert.match(out, new RegExp(`Kubernetes control plane.* is running at .*${c.url.replace(/[.]/g, '\\.')}`));
    });

    test('get ns shows the four system namespaces as Active', async () => {
      const rows = table(await c.k(['get', 'ns']));
      assert.deepEqual(rows[0], ['NAME', 'STATUS', 'AGE']);
      assert.deepEqual(rows.slice(1).map((r) => [r[0], r[1]]), [
        ['default', 'Active'],
        ['kube-node-lease', 'Active'],
        ['kube-public', 'Active'],
        ['kube-system', 'Active'],
      ]);
    });

    test('create namespace, configmap and secret', async () => {
      assert.equal((await c.k(['create', 'namespace', ns])).trim(), `namespace/${ns} created`);
      assert.equal((await c.k(['-n', ns, 'create', 'configmap', 'settings', '--from-literal=mode=fast', '--from-literal=level=3'])).trim(), 'configmap/settings created');
      assert.equal((await c.k(['-n', ns, 'create', 'secret', 'generic', 'creds', '--from-literal=password=s3cret'])).trim(), 'secret/creds created');
      const again = await c.kubectl(['create', 'namespace', ns]);
      assert.equal(again.code, 1);
      assert.equal(again.stderr.trim(), `Error from server (AlreadyExists): namespaces "${ns}" already exists`);
    });

    test('get cm in yaml, json, jsonpath and custom-columns', async () => {
      const y = await c.k(['-n', ns, 'get', 'cm', 'settings', '-o', 'yaml']);
      assert.match(y, /^apiVersion: v1\ndata:\n {2}level: "3"\n {2}mode: fast\nkind: ConfigMap\nmetadata:\n/);
      assert.match(y, /\n {2}resourceVersion: "\d+"\n/);
      assert.match(y, /\n {2}uid: [0-9a-f-]{36}\n/);
      const j = JSON.parse(await c.k(['-n', ns, 'get', 'cm', 'settings', '-o', 'json']));
      assert.equal(j.kind, 'ConfigMap');
      assert.deepEqual(j.data, { level: '3', mode: 'fast' });
      assert.equal(j.metadata.namespace, ns);
      assert.match(j.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(await c.k(['-n', ns, 'get', 'cm', 'settings', '-o', 'jsonpath={.data.mode}']), 'fast');
      assert.deepEqual(table(await c.k(['-n', ns, 'get', 'cm', 'settings', '-o', 'custom-columns=NAME:.metadata.name,MODE:.data.mode'])), [
        ['NAME', 'MODE'],
        ['settings', 'fast'],
      ]);
      const s = JSON.parse(await c.k(['-n', ns, 'get', 'secret', 'creds', '-o', 'json']));
      assert.equal(s.type, 'Opaque');
      assert.equal(Buffer.from(s.data.password, 'base64').toString(), 's3cret');
    });

    test('apply -f creates a pod, a deployment and a service with upstream columns', async () => {
      for (const f of ['pod.yaml', 'deployment.yaml', 'service.yaml']) {
        const r = await c.kubectl(['-n', ns, 'apply', '-f', join(TESTDATA, f)]);
        assert.equal(r.code, 0, r.stderr);
      }
      const pods = table(await c.k(['-n', ns, 'get', 'pods']));
      assert.deepEqual(pods[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
      assert.deepEqual(pods[1].slice(0, 4), ['nginx', '0/1', 'Pending', '0']);
      const wide = table(await c.k(['-n', ns, 'get', 'pods', '-o', 'wide']));
      assert.deepEqual(wide[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
      assert.deepEqual(wide[1].slice(5), ['<none>', '<none>', '<none>', '<none>']);
      const deps = table(await c.k(['-n', ns, 'get', 'deployments']));
      assert.deepEqual(deps[0], ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
      assert.deepEqual(deps[1].slice(0, 4), ['web', '0/3', '0', '0']);
      const svcs = table(await c.k(['-n', ns, 'get', 'services', '-o', 'wide']));
      assert.deepEqual(svcs[0], ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
      assert.equal(svcs[1][0], 'web');
      assert.equal(svcs[1][1], 'ClusterIP');
      assert.match(svcs[1][2], /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
      assert.deepEqual([svcs[1][3], svcs[1][4], svcs[1][6]], ['<none>', '80/TCP', 'app=web']);
      const pod = JSON.parse(await c.k(['-n', ns, 'get', 'pod', 'nginx', '-o', 'json']));
      assert.equal(pod.spec.restartPolicy, 'Always');
      assert.equal(pod.spec.dnsPolicy, 'ClusterFirst');
      assert.equal(pod.spec.containers[0].imagePullPolicy, 'IfNotPresent');
      assert.equal(pod.spec.containers[0].terminationMessagePath, '/dev/termination-log');
      assert.equal(pod.spec.serviceAccountName, 'default');
      assert.equal(pod.status.phase, 'Pending');
      assert.equal(pod.status.qosClass, 'BestEffort');
      const dep = JSON.parse(await c.k(['-n', ns, 'get', 'deploy', 'web', '-o', 'json']));
      assert.deepEqual(dep.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
      assert.equal(dep.spec.revisionHistoryLimit, 10);
      assert.equal(dep.spec.progressDeadlineSeconds, 600);
      assert.equal(dep.metadata.generation, 1);
      assert.ok(dep.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
      // applying the same file again changes nothing
      const again = await c.k(['-n', ns, 'apply', '-f', join(TESTDATA, 'deployment.yaml')]);
      assert.equal(again.trim(), 'deployment.apps/web unchanged');
    });

    test('get all lists pods, services and deployments', async () => {
      const out = await c.k(['-n', ns, 'get', 'all']);
      assert.match(out, /pod\/nginx +0\/1 +Pending/);
      assert.match(out, /service\/web +ClusterIP/);
      assert.match(out, /deployment\.apps\/web +0\/3/);
    });

    test('label, annotate, patch --type=merge and --type=json', async () => {
      assert.equal((await c.k(['-n', ns, 'label', 'cm', 'settings', 'tier=backend'])).trim(), 'configmap/settings labeled');
      // kubectl 1.27 itself prints "annotate" (fixed in 1.28)
      assert.equal((await c.k(['-n', ns, 'annotate', 'cm', 'settings', 'owner=team-a'])).trim(), version === '1.27' ? 'configmap/settings annotate' : 'configmap/settings annotated');
      assert.equal((await c.k(['-n', ns, 'patch', 'cm', 'settings', '--type=merge', '-p', '{"data":{"mode":"slow"}}'])).trim(), 'configmap/settings patched');
      assert.equal((await c.k(['-n', ns, 'patch', 'cm', 'settings', '--type=json', '-p', '[{"op":"add","path":"/data/extra","value":"yes"},{"op":"remove","path":"/data/level"}]'])).trim(), 'configmap/settings patched');
      const j = JSON.parse(await c.k(['-n', ns, 'get', 'cm', 'settings', '-o', 'json']));
      assert.deepEqual(j.data, { mode: 'slow', extra: 'yes' });
      assert.equal(j.metadata.labels.tier, 'backend');
      assert.equal(j.metadata.annotations.owner, 'team-a');
      const bad = await c.kubectl(['-n', ns, 'patch', 'cm', 'settings', '--type=json', '-p', '[{"op":"remove","path":"/data/nope"}]']);
      assert.equal(bad.code, 1);
      assert.equal(bad.stderr.trim(), 'The request is invalid: : remove operation does not apply: doc is missing path: "/data/nope": missing value');
      const overwrite = await c.kubectl(['-n', ns, 'label', 'cm', 'settings', 'tier=frontend']);
      assert.equal(overwrite.code, 1);
      assert.match(overwrite.stderr, /'tier' already has a value \(backend\), and --overwrite is false/);
    });

    test('replace -f swaps the object and a stale resourceVersion returns 409 Conflict', async () => {
      assert.equal((await c.k(['-n', ns, 'replace', '-f', join(TESTDATA, 'configmap-v2.yaml')])).trim(), 'configmap/settings replaced');
      const j = JSON.parse(await c.k(['-n', ns, 'get', 'cm', 'settings', '-o', 'json']));
      assert.deepEqual(j.data, { mode: 'replaced' });
      assert.equal(j.metadata.annotations, undefined);
      const stale = { ...j, metadata: { ...j.metadata, resourceVersion: String(Number(j.metadata.resourceVersion) - 1) }, data: { mode: 'stale' } };
      const r = await c.kubectl(['-n', ns, 'replace', '-f', '-'], { stdin: JSON.stringify(stale) });
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr.trim(),
        'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on configmaps "settings": the object has been modified; please apply your changes to the latest version and try again',
      );
    });

    test('invalid objects get 422 Invalid with field paths', async () => {
      const r = await c.kubectl(['-n', ns, 'create', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } }) });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /The ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/);
      const missing = await c.kubectl(['-n', 'no-such-ns', 'create', 'configmap', 'x']);
      assert.equal(missing.code, 1);
      assert.equal(missing.stderr.trim(), 'error: failed to create configmap: namespaces "no-such-ns" not found');
    });

    test('get -w sees ADDED, MODIFIED and DELETED caused by another kubectl', async () => {
      const w = spawnKubectl(c.kubeconfigPath, join(c.tmp, 'kubecache'), ['-n', ns, 'get', 'configmaps', '-l', 'watch=me', '-w', '--output-watch-events'], version);
      try {
        await new Promise((r) => setTimeout(r, 700));
        await c.k(['-n', ns, 'create', 'configmap', 'watched', '--from-literal=a=1']);
        await c.k(['-n', ns, 'label', 'cm', 'watched', 'watch=me']);
        await w.waitFor(/ADDED +watched/);
        await c.k(['-n', ns, 'patch', 'cm', 'watched', '--type=merge', '-p', '{"data":{"b":"2"}}']);
        await w.waitFor(/MODIFIED +watched +2/);
        await c.k(['-n', ns, 'delete', 'cm', 'watched']);
        await w.waitFor(/DELETED +watched/);
      } finally {
        await w.stop();
      }
      const lines = w.output().trim().split('\n').map((l) => l.trim().split(/\s+/).slice(0, 2).join(' '));
      assert.deepEqual(lines.filter((l) => /^(EVENT|ADDED|MODIFIED|DELETED)/.test(l)), ['EVENT NAME', 'ADDED watched', 'MODIFIED watched', 'DELETED watched']);
    });

    test('delete by name and by -l', async () => {
      await c.k(['-n', ns, 'create', 'configmap', 'a1', '--from-literal=x=1']);
      await c.k(['-n', ns, 'create', 'configmap', 'a2', '--from-literal=x=1']);
      await c.k(['-n', ns, 'label', 'cm', 'a1', 'a2', 'group=doomed']);
      assert.equal((await c.k(['-n', ns, 'delete', 'cm', 'settings'])).trim(), 'configmap "settings" deleted');
      const out = (await c.k(['-n', ns, 'delete', 'cm', '-l', 'group=doomed'])).trim().split('\n').sort();
      assert.deepEqual(out, ['configmap "a1" deleted', 'configmap "a2" deleted']);
      const left = await c.kubectl(['-n', ns, 'get', 'cm', 'settings']);
      assert.equal(left.code, 1);
      assert.equal(left.stderr.trim(), 'Error from server (NotFound): configmaps "settings" not found');
      assert.equal((await c.k(['-n', ns, 'delete', 'pod', 'nginx'])).trim(), 'pod "nginx" deleted');
    });

    test('auth can-i and whoami answer for the admin', async () => {
      assert.equal((await c.k(['auth', 'can-i', 'create', 'pods'])).trim(), 'yes');
      if (version !== '1.27') {
        const who = table(await c.k(['auth', 'whoami']));
        assert.deepEqual(who[0], ['ATTRIBUTE', 'VALUE']);
        assert.deepEqual(who[1], ['Username', 'minikapi-admin']);
      }
    });

    test('delete namespace removes it and its content', async () => {
      const r = await c.k(['delete', 'namespace', ns, '--timeout=20s']);
      assert.equal(r.trim(), `namespace "${ns}" deleted`);
      const g = await c.kubectl(['get', 'namespace', ns]);
      assert.equal(g.code, 1);
      assert.equal(g.stderr.trim(), `Error from server (NotFound): namespaces "${ns}" not found`);
      const cms = await c.k(['get', 'cm', '-A', '-o', 'name']);
      assert.ok(!cms.includes('settings'));
    });
  });
}
