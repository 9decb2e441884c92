// A living cluster through real kubectl (issue 10): a simulated node, the scheduler and kubelet, the
// replicaset and deployment controllers, and garbage collection of what they own.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, table, type TestCluster } from '../testing/harness.js';
import { eventually } from '../testing/eventually.js';

/** kubectl rollout status: any number of progress lines, then the success line. */
function rolledOut(out: string, name: string): void {
  const lines = out.split('\n').filter(Boolean);
  assert.equal(lines.at(-1), `deployment "${name}" successfully rolled out`);
  for (const l of lines.slice(0, -1)) assert.match(l, new RegExp(`^Waiting for deployment "${name}" rollout to finish: `));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// kubectl each poll: every 100 ms
const until = (what: string, fn: () => Promise<boolean>, ms = 10_000) => eventually(what, fn, ms, 100);

describe('workloads', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ name: 'wl', controllers: '*' });
  });
  after(() => c?.cleanup());

  test('the simulated node is Ready with the columns kubectl shows', async () => {
    await until('the node', async () => (await c.kubectl(['get', 'node', 'wl-control-plane'])).code === 0);
    const rows = table(await c.k(['get', 'nodes', '-o', 'wide']));
    assert.deepEqual(rows[0], ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']);
    assert.deepEqual([rows[1]![0], rows[1]![1], rows[1]![2], rows[1]![4], rows[1]![5], rows[1]![6]], ['wl-control-plane', 'Ready', 'control-plane', 'v1.33.1', '172.18.0.2', '<none>']);
    // the TTL controller's annotation, 0 s for a cluster of under 100 nodes
    await until('the ttl annotation', async () => JSON.parse(await c.k(['get', 'node', 'wl-control-plane', '-o', 'json'])).metadata.annotations['node.alpha.kubernetes.io/ttl'] === '0');
    // a 1.33 kubelet reports its version and leaves the deprecated kube-proxy version empty (still printed: no omitempty)
    const info = JSON.parse(await c.k(['get', 'node', 'wl-control-plane', '-o', 'json'])).status.nodeInfo;
    assert.deepEqual([info.kubeletVersion, info.kubeProxyVersion], ['v1.33.1', '']);
    // the kubelet's CSINode: owned by the node, no CSI drivers, the in-tree plugins it migrates to CSI
    const node = JSON.parse(await c.k(['get', 'node', 'wl-control-plane', '-o', 'json']));
    const csinode = await eventually('the CSINode', async () => {
      const r = await c.kubectl(['get', 'csinode', 'wl-control-plane', '-o', 'json']);
      return r.code === 0 ? JSON.parse(r.stdout) : undefined;
    });
    assert.deepEqual([csinode.metadata.annotations, csinode.metadata.ownerReferences, csinode.spec], [
      { 'storage.alpha.kubernetes.io/migrated-plugins': 'kubernetes.io/aws-ebs,kubernetes.io/azure-disk,kubernetes.io/azure-file,kubernetes.io/cinder,kubernetes.io/gce-pd,kubernetes.io/portworx-volume,kubernetes.io/vsphere-volume' },
      [{ apiVersion: 'v1', kind: 'Node', name: 'wl-control-plane', uid: node.metadata.uid }],
      { drivers: null },
    ]);
    assert.deepEqual(table(await c.k(['get', 'csinodes'])).map((r) => r.slice(0, 2)), [['NAME', 'DRIVERS'], ['wl-control-plane', '0']]);
    const lease = JSON.parse(await c.k(['get', 'lease', '-n', 'kube-node-lease', 'wl-control-plane', '-o', 'json']));
    assert.equal(lease.spec.holderIdentity, 'wl-control-plane');
    assert.equal(lease.spec.leaseDurationSeconds, 40);
    // the kubelet's start-up events and the node controller's registration, as `kubectl describe node` lists them
    const want = ['kubelet Starting Starting kubelet.', 'kubelet NodeHasSufficientMemory Node wl-control-plane status is now: NodeHasSufficientMemory', 'kubelet NodeHasNoDiskPressure Node wl-control-plane status is now: NodeHasNoDiskPressure', 'kubelet NodeHasSufficientPID Node wl-control-plane status is now: NodeHasSufficientPID', 'kubelet NodeAllocatableEnforced Updated Node Allocatable limit across pods', 'kubelet NodeReady Node wl-control-plane status is now: NodeReady', 'node-controller RegisteredNode Node wl-control-plane event: Registered Node wl-control-plane in Controller'];
    let seen: string[] = [];
    await until('node events', async () => {
      const items = JSON.parse(await c.k(['get', 'events', '-n', 'default', '--field-selector', 'involvedObject.kind=Node,involvedObject.name=wl-control-plane', '-o', 'json'])).items;
      seen = items.map((e: { source: { component: string }; reason: string; message: string }) => `${e.source.component} ${e.reason} ${e.message}`);
      return seen.length >= want.length;
    });
    assert.deepEqual(seen.sort(), [...want].sort());
    const kubelet = JSON.parse(await c.k(['get', 'events', '-n', 'default', '--field-selector', 'reason=Starting', '-o', 'json'])).items[0];
    assert.deepEqual(kubelet.involvedObject, { kind: 'Node', name: 'wl-control-plane', uid: 'wl-control-plane' });
  });

  test('create deployment → rollout status completes; pods run on the node with IPs', async () => {
    const t0 = Date.now();
    assert.equal(await c.k(['create', 'deployment', 'web', '--image=nginx', '--replicas=3']), 'deployment.apps/web created\n');
    rolledOut(await c.k(['rollout', 'status', 'deployment/web', '--timeout=20s']), 'web');
    // about a second on a quiet machine; the bound only catches a rollout that hangs
    assert.ok(Date.now() - t0 < 30_000, `${Date.now() - t0} ms`);
    const d = JSON.parse(await c.k(['get', 'deployment', 'web', '-o', 'json']));
    assert.deepEqual(
      { replicas: d.status.replicas, updated: d.status.updatedReplicas, ready: d.status.readyReplicas, available: d.status.availableReplicas, observed: d.status.observedGeneration },
      { replicas: 3, updated: 3, ready: 3, available: 3, observed: 1 },
    );
    assert.deepEqual(
      d.status.conditions.map((x: { type: string; status: string; reason: string }) => [x.type, x.status, x.reason]),
      [
        ['Available', 'True', 'MinimumReplicasAvailable'],
        ['Progressing', 'True', 'NewReplicaSetAvailable'],
      ],
    );
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '1');
    const rs = JSON.parse(await c.k(['get', 'rs', '-l', 'app=web', '-o', 'json'])).items;
    assert.equal(rs.length, 1);
    const hash = rs[0].metadata.labels['pod-template-hash'];
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    assert.equal(rs[0].metadata.name, `web-${hash}`);
    assert.deepEqual(rs[0].spec.selector.matchLabels, { app: 'web', 'pod-template-hash': hash });
    const pods = table(await c.k(['get', 'pods', '-l', 'app=web', '-o', 'wide']));
    assert.equal(pods.length, 4);
    for (const p of pods.slice(1)) {
      assert.match(p[0]!, new RegExp(`^web-${hash}-[a-z0-9]{5}$`));
      assert.deepEqual([p[1], p[2], p[3]], ['1/1', 'Running', '0']);
      assert.match(p[5]!, /^10\.244\.0\.\d+$/);
      assert.equal(p[6], 'wl-control-plane');
    }
  });

  test('set image rolls out a second ReplicaSet; history and undo; scale', async () => {
    await c.k(['set', 'image', 'deployment/web', 'nginx=nginx:1.27']);
    rolledOut(await c.k(['rollout', 'status', 'deployment/web', '--timeout=20s']), 'web');
    const rs = table(await c.k(['get', 'rs', '-l', 'app=web', '--sort-by=.metadata.annotations.deployment\\.kubernetes\\.io/revision']));
    assert.deepEqual(rs.slice(1).map((r) => [r[1], r[2], r[3]]), [
      ['0', '0', '0'],
      ['3', '3', '3'],
    ]);
    assert.equal(await c.k(['rollout', 'history', 'deployment/web']), 'deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    assert.equal(await c.k(['rollout', 'undo', 'deployment/web']), 'deployment.apps/web rolled back\n');
    rolledOut(await c.k(['rollout', 'status', 'deployment/web', '--timeout=20s']), 'web');
    assert.equal(JSON.parse(await c.k(['get', 'deployment', 'web', '-o', 'json'])).spec.template.spec.containers[0].image, 'nginx');
    assert.equal(await c.k(['rollout', 'history', 'deployment/web']), 'deployment.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');
    await c.k(['scale', 'deployment/web', '--replicas=5']);
    await c.k(['rollout', 'status', 'deployment/web', '--timeout=20s']);
    assert.deepEqual(table(await c.k(['get', 'deployment', 'web']))[1]!.slice(0, 4), ['web', '5/5', '5', '5']);
  });

  test('a deleted pod of a ReplicaSet is replaced', async () => {
    const before = JSON.parse(await c.k(['get', 'pods', '-l', 'app=web', '-o', 'json'])).items.map((p: { metadata: { name: string } }) => p.metadata.name);
    await c.k(['delete', 'pod', before[0]]);
    await until('a replacement', async () => {
      const now = JSON.parse(await c.k(['get', 'pods', '-l', 'app=web', '-o', 'json'])).items;
      return now.length === 5 && !now.some((p: { metadata: { name: string } }) => p.metadata.name === before[0]) && now.every((p: { status: { phase: string } }) => p.status.phase === 'Running');
    });
  });

  test('the kubelet records its events: Pulling/Pulled (or already present), Created, Started, then Killing', async () => {
    const pod = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { initContainers: [{ name: 'setup', image: 'busybox:1.36' }], containers: [{ name: 'app', image: 'nginx' }] } });
    await c.k(['apply', '-f', '-'], { stdin: pod('ev1') });
    await until('ev1 running', async () => JSON.parse(await c.k(['get', 'pod', 'ev1', '-o', 'json'])).status.phase === 'Running');
    await c.k(['apply', '-f', '-'], { stdin: pod('ev2') });
    await until('ev2 running', async () => JSON.parse(await c.k(['get', 'pod', 'ev2', '-o', 'json'])).status.phase === 'Running');
    type Ev = { reason: string; message: string; involvedObject: { fieldPath?: string }; source: { component?: string; host?: string }; reportingInstance?: string };
    const events = async (name: string, want: number): Promise<Ev[]> => {
      let items: Ev[] = [];
      await until(`${want} events of ${name}`, async () => (items = JSON.parse(await c.k(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'json'])).items).length >= want);
      return items;
    };
    const lines = (items: Ev[]) => items.filter((e) => e.reason !== 'Scheduled').map((e) => `${e.reason} ${e.involvedObject.fieldPath} ${e.message}`).sort();
    const first = await events('ev1', 8);
    const pulled = /^Successfully pulled image "(busybox:1\.36|nginx)" in \d+(\.\d+)?m?s \(\d+(\.\d+)?m?s including waiting\)\. Image size: \d+ bytes\.$/;
    assert.deepEqual(lines(first).map((l) => l.replace(/Successfully pulled .*/, 'PULLED')), [
      'Created spec.containers{app} Created container: app',
      'Created spec.initContainers{setup} Created container: setup',
      'Pulled spec.containers{app} PULLED',
      'Pulled spec.initContainers{setup} PULLED',
      'Pulling spec.containers{app} Pulling image "nginx"',
      'Pulling spec.initContainers{setup} Pulling image "busybox:1.36"',
      'Started spec.containers{app} Started container app',
      'Started spec.initContainers{setup} Started container setup',
    ]);
    for (const e of first.filter((e) => e.reason === 'Pulled')) assert.match(e.message, pulled);
    const kubelet = first.find((e) => e.reason === 'Started')!;
    assert.deepEqual([kubelet.source, kubelet.reportingInstance], [{ component: 'kubelet', host: 'wl-control-plane' }, 'wl-control-plane']);
    assert.equal(first.find((e) => e.reason === 'Scheduled')?.message, 'Successfully assigned default/ev1 to wl-control-plane');
    // IfNotPresent (a tagged image) is not pulled again on the same node; Always (untagged, :latest) is
    assert.deepEqual(lines(await events('ev2', 8)).filter((l) => l.startsWith('Pull')).map((l) => l.replace(/Successfully pulled .*/, 'PULLED')), [
      'Pulled spec.containers{app} PULLED',
      'Pulled spec.initContainers{setup} Container image "busybox:1.36" already present on machine',
      'Pulling spec.containers{app} Pulling image "nginx"',
    ]);
    await c.k(['delete', 'pod', 'ev1', 'ev2']);
    assert.deepEqual((await events('ev1', 10)).filter((e) => e.reason === 'Killing').map((e) => `${e.involvedObject.fieldPath} ${e.message}`), ['spec.containers{app} Stopping container app']);
  });

  test('deleting a deployment collects its ReplicaSets and pods; --cascade=orphan leaves them', async () => {
    await c.k(['delete', 'deployment', 'web']);
    await until('web collected', async () => (await c.k(['get', 'rs,pods', '-l', 'app=web', '-o', 'name'])) === '');
    await c.k(['create', 'deployment', 'kept', '--image=nginx', '--replicas=2']);
    await c.k(['rollout', 'status', 'deployment/kept', '--timeout=20s']);
    await c.k(['delete', 'deployment', 'kept', '--cascade=orphan']);
    await sleep(500);
    const rs = JSON.parse(await c.k(['get', 'rs', '-l', 'app=kept', '-o', 'json'])).items;
    assert.equal(rs.length, 1);
    assert.equal(rs[0].metadata.ownerReferences, undefined);
    assert.equal(JSON.parse(await c.k(['get', 'pods', '-l', 'app=kept', '-o', 'json'])).items.length, 2);
    await c.k(['create', 'deployment', 'fg', '--image=nginx', '--replicas=2']);
    await c.k(['rollout', 'status', 'deployment/fg', '--timeout=20s']);
    assert.equal(await c.k(['delete', 'deployment', 'fg', '--cascade=foreground']), 'deployment.apps "fg" deleted\n');
    await until('fg collected', async () => (await c.k(['get', 'deploy,rs,pods', '-l', 'app=fg', '-o', 'name'])) === '');
  });

  test('a pod that fits no node stays Pending with the scheduler\'s reasons', async () => {
    await c.k(['run', 'picky', '--image=nginx', '--overrides={"spec":{"nodeSelector":{"disk":"ssd"}}}']);
    const message = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
    await until('PodScheduled=False', async () => (JSON.parse(await c.k(['get', 'pod', 'picky', '-o', 'json'])).status.conditions ?? []).some((x: { message?: string }) => x.message === message));
    const events = await c.k(['get', 'events', '--field-selector', 'involvedObject.name=picky,reason=FailedScheduling', '-o', 'jsonpath={.items[*].message}']);
    assert.equal(events, message);
    // a label on the node lets it in
    await c.k(['label', 'node', 'wl-control-plane', 'disk=ssd']);
    await until('picky running', async () => JSON.parse(await c.k(['get', 'pod', 'picky', '-o', 'json'])).status.phase === 'Running');
    await c.k(['cordon', 'wl-control-plane']);
    await c.k(['run', 'late', '--image=nginx']);
    await until('late unschedulable', async () => (JSON.parse(await c.k(['get', 'pod', 'late', '-o', 'json'])).status.conditions ?? []).some((x: { message?: string }) => x.message?.startsWith('0/1 nodes are available: 1 node(s) were unschedulable.')));
    await c.k(['uncordon', 'wl-control-plane']);
    await until('late running', async () => JSON.parse(await c.k(['get', 'pod', 'late', '-o', 'json'])).status.phase === 'Running');
  });

  test('requests beyond what the node has left keep a pod Pending; Never-preempting pods say so', async () => {
    await c.k(['run', 'greedy', '--image=nginx', '--overrides={"spec":{"containers":[{"name":"greedy","image":"nginx","resources":{"requests":{"cpu":"1000","memory":"64Mi"}}}]}}']);
    const message = '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';
    await until('Insufficient cpu', async () => (JSON.parse(await c.k(['get', 'pod', 'greedy', '-o', 'json'])).status.conditions ?? []).some((x: { message?: string }) => x.message === message));
    await c.k(['create', 'priorityclass', 'polite', '--value=10', '--preemption-policy=Never']);
    await c.k(['run', 'polite', '--image=nginx', '--overrides={"spec":{"priorityClassName":"polite","containers":[{"name":"polite","image":"nginx","resources":{"requests":{"memory":"1Ei"}}}]}}']);
    const never = '0/1 nodes are available: 1 Insufficient memory. preemption: not eligible due to preemptionPolicy=Never.';
    await until('not eligible', async () => (JSON.parse(await c.k(['get', 'pod', 'polite', '-o', 'json'])).status.conditions ?? []).some((x: { message?: string }) => x.message === never));
  });
});
