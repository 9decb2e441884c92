// StatefulSets and DaemonSets on three simulated nodes through real kubectl (issue 10): ordered rollout,
// claims from volumeClaimTemplates, scale down from the highest ordinal, partitioned updates, rollout
// history and undo; one daemon pod per eligible node, taints, and an image update rolling through.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../client/types.js';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { eventually } from '../testing/eventually.js';


// kubectl each poll: every 100 ms
const until = (what: string, fn: () => Promise<boolean>, ms = 30_000) => eventually(what, fn, ms, 100);

const statefulSet = (image: string, replicas = 3) => `
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: ${image}
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
`;

const daemonSet = (image: string) => `
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: ${image}
`;

interface Pod {
  metadata: { name: string; labels: Record<string, string>; creationTimestamp: string; uid: string };
  spec: { nodeName?: string; hostname?: string; subdomain?: string; containers: { image: string }[]; volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[]; tolerations?: unknown[]; affinity?: unknown };
}

describe('statefulsets and daemonsets', () => {
  let c: TestCluster;
  const pods = async (selector: string): Promise<Pod[]> => JSON.parse(await c.k(['get', 'pods', '-l', selector, '-o', 'json'])).items;
  before(async () => {
    c = await startTestCluster({ name: 'sd', controllers: '*', nodes: 3 });
    await until('three nodes', async () => (await c.k(['get', 'nodes', '-o', 'name'])).trim().split('\n').length === 3);
  });
  after(() => c?.cleanup());

  test('a StatefulSet of 3 rolls out in ordinal order with stable names, hostnames, labels and claims', async () => {
    await c.k(['apply', '-f', '-'], { stdin: statefulSet('nginx:1.25') });
    const out = await c.k(['rollout', 'status', 'statefulset/web', '--timeout=30s']);
    assert.equal(out.trim().split('\n').at(-1), 'partitioned roll out complete: 3 new pods have been updated...');
    const list = await pods('app=web');
    assert.deepEqual(list.map((p) => p.metadata.name).sort(), ['web-0', 'web-1', 'web-2']);
    const byName = Object.fromEntries(list.map((p) => [p.metadata.name, p]));
    // OrderedReady: each pod is created only after its predecessor is Running and Ready
    assert.ok(byName['web-0']!.metadata.creationTimestamp <= byName['web-1']!.metadata.creationTimestamp);
    assert.ok(byName['web-1']!.metadata.creationTimestamp <= byName['web-2']!.metadata.creationTimestamp);
    // the events kube-controller-manager records, in the order of the writes: claim, then pod, one ordinal after another
    const events = JSON.parse(await c.k(['get', 'events', '--field-selector', 'involvedObject.kind=StatefulSet,involvedObject.name=web', '-o', 'json'])).items;
    assert.deepEqual(
      events.map((e: KObject) => [e.type, e.reason, e.message, e.source.component]),
      [0, 1, 2].flatMap((i) => [
        ['Normal', 'SuccessfulCreate', `create Claim www-web-${i} Pod web-${i} in StatefulSet web success`, 'statefulset-controller'],
        ['Normal', 'SuccessfulCreate', `create Pod web-${i} in StatefulSet web successful`, 'statefulset-controller'],
      ]),
    );
    const sts = JSON.parse(await c.k(['get', 'sts', 'web', '-o', 'json']));
    const rev = sts.status.updateRevision as string;
    assert.match(rev, /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    for (const [i, name] of ['web-0', 'web-1', 'web-2'].entries()) {
      const p = byName[name]!;
      assert.equal(p.spec.hostname, name);
      assert.equal(p.spec.subdomain, 'nginx');
      assert.equal(p.metadata.labels['statefulset.kubernetes.io/pod-name'], name);
      assert.equal(p.metadata.labels['apps.kubernetes.io/pod-index'], String(i));
      assert.equal(p.metadata.labels['controller-revision-hash'], rev);
      assert.deepEqual(p.spec.volumes?.[0], { name: 'www', persistentVolumeClaim: { claimName: `www-web-${i}` } });
    }
    const claims = JSON.parse(await c.k(['get', 'pvc', '-o', 'json'])).items.map((x: { metadata: { name: string; labels: Record<string, string> } }) => [x.metadata.name, x.metadata.labels]);
    assert.deepEqual(claims, [
      ['www-web-0', { app: 'web' }],
      ['www-web-1', { app: 'web' }],
      ['www-web-2', { app: 'web' }],
    ]);
    assert.deepEqual(
      { replicas: sts.status.replicas, ready: sts.status.readyReplicas, current: sts.status.currentReplicas, updated: sts.status.updatedReplicas, available: sts.status.availableReplicas, observed: sts.status.observedGeneration, collisionCount: sts.status.collisionCount },
      { replicas: 3, ready: 3, current: 3, updated: 3, available: 3, observed: 1, collisionCount: 0 },
    );
    assert.equal(sts.status.currentRevision, rev);
    const crs = JSON.parse(await c.k(['get', 'controllerrevisions', '-o', 'json'])).items;
    assert.deepEqual(crs.map((r: { metadata: { name: string }; revision: number }) => [r.metadata.name, r.revision]), [[rev, 1]]);
    assert.equal(crs[0].metadata.labels['controller.kubernetes.io/hash'], rev.slice('web-'.length));
    assert.equal(crs[0].data.spec.template.$patch, 'replace');
  });

  test('scaling a StatefulSet down removes the highest ordinal first and keeps its claim', async () => {
    assert.equal(await c.k(['scale', 'statefulset', 'web', '--replicas=2']), 'statefulset.apps/web scaled\n');
    await until('web-2 gone', async () => (await pods('app=web')).length === 2);
    assert.deepEqual((await pods('app=web')).map((p) => p.metadata.name).sort(), ['web-0', 'web-1']);
    assert.match(await c.k(['get', 'pvc', 'www-web-2', '-o', 'name']), /persistentvolumeclaim\/www-web-2/);
    await c.k(['rollout', 'status', 'statefulset/web', '--timeout=30s']);
  });

  test('a partitioned update replaces only the ordinals at or above the partition; rollout history and undo', async () => {
    await c.k(['scale', 'statefulset', 'web', '--replicas=3']);
    await c.k(['rollout', 'status', 'statefulset/web', '--timeout=30s']);
    // maxUnavailable is dropped as by a v1.33 kube-apiserver, whose MaxUnavailableStatefulSet gate is off
    await c.k(['patch', 'statefulset', 'web', '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2,"maxUnavailable":2}}}}']);
    assert.deepEqual(JSON.parse(await c.k(['get', 'sts', 'web', '-o', 'json'])).spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 2 } });
    const before = Object.fromEntries((await pods('app=web')).map((p) => [p.metadata.name, p.metadata.uid]));
    await c.k(['set', 'image', 'statefulset/web', 'nginx=nginx:1.27']);
    const out = await c.k(['rollout', 'status', 'statefulset/web', '--timeout=30s']);
    assert.equal(out.trim().split('\n').at(-1), 'partitioned roll out complete: 1 new pods have been updated...');
    const after = Object.fromEntries((await pods('app=web')).map((p) => [p.metadata.name, p]));
    assert.equal(after['web-0']!.metadata.uid, before['web-0']);
    assert.equal(after['web-1']!.metadata.uid, before['web-1']);
    assert.notEqual(after['web-2']!.metadata.uid, before['web-2']);
    assert.deepEqual(['web-0', 'web-1', 'web-2'].map((n) => after[n]!.spec.containers[0]!.image), ['nginx:1.25', 'nginx:1.25', 'nginx:1.27']);
    const sts = JSON.parse(await c.k(['get', 'sts', 'web', '-o', 'json']));
    assert.notEqual(sts.status.currentRevision, sts.status.updateRevision);
    assert.deepEqual([sts.status.currentReplicas, sts.status.updatedReplicas], [2, 1]);

    await c.k(['patch', 'statefulset', 'web', '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}']);
    const done = await c.k(['rollout', 'status', 'statefulset/web', '--timeout=30s']);
    assert.equal(done.trim().split('\n').at(-1), 'partitioned roll out complete: 3 new pods have been updated...');
    assert.deepEqual((await pods('app=web')).map((p) => p.spec.containers[0]!.image), ['nginx:1.27', 'nginx:1.27', 'nginx:1.27']);

    const history = await c.k(['rollout', 'history', 'statefulset/web']);
    assert.deepEqual(history.trim().split('\n').map((l) => l.trim().split(/\s+/)), [['statefulset.apps/web'], ['REVISION', 'CHANGE-CAUSE'], ['1', '<none>'], ['2', '<none>']]);
    const second = await c.k(['rollout', 'history', 'statefulset/web', '--revision=2']);
    assert.match(second, /^statefulset\.apps\/web with revision #2\nPod Template:\n/);
    assert.match(second, /\n\s+Image:\s+nginx:1\.27\n/);
    assert.equal(await c.k(['rollout', 'undo', 'statefulset/web']), 'statefulset.apps/web rolled back\n');
    await c.k(['rollout', 'status', 'statefulset/web', '--timeout=30s']);
    assert.deepEqual((await pods('app=web')).map((p) => p.spec.containers[0]!.image), ['nginx:1.25', 'nginx:1.25', 'nginx:1.25']);
    const crs = JSON.parse(await c.k(['get', 'controllerrevisions', '-l', 'app=web', '-o', 'json'])).items;
    // the rollback re-numbers the first revision rather than creating a third
    assert.deepEqual(crs.map((r: { metadata: { name: string }; revision: number }) => [r.metadata.name, r.revision]).sort((a: [string, number], b: [string, number]) => a[1] - b[1]), [
      [sts.status.updateRevision, 2],
      [sts.status.currentRevision, 3],
    ]);
  });

  test('a StatefulSet deleted with --cascade=orphan leaves its pods, and a new one with the same selector adopts them', async () => {
    const before = (await pods('app=web')).map((p) => [p.metadata.name, p.metadata.uid]).sort();
    await c.k(['delete', 'statefulset', 'web', '--cascade=orphan']);
    await until('orphaned pods', async () => (await pods('app=web')).every((p) => !(p as KObject).metadata.ownerReferences));
    await c.k(['apply', '-f', '-'], { stdin: statefulSet('nginx:1.25') });
    const sts = JSON.parse(await c.k(['get', 'sts', 'web', '-o', 'json']));
    await until('adopted pods', async () => (await pods('app=web')).every((p) => (p as KObject).metadata.ownerReferences?.[0]?.uid === sts.metadata.uid));
    await c.k(['rollout', 'status', 'statefulset/web', '--timeout=30s']);
    assert.deepEqual((await pods('app=web')).map((p) => [p.metadata.name, p.metadata.uid]).sort(), before);
    const crs = JSON.parse(await c.k(['get', 'controllerrevisions', '-l', 'app=web', '-o', 'json'])).items;
    assert.ok(crs.every((r: KObject) => r.metadata.ownerReferences[0].uid === sts.metadata.uid));
  });

  test('a DaemonSet puts one pod on each node, pinned by node affinity, and none on a node whose taint it does not tolerate', async () => {
    await c.k(['taint', 'nodes', 'sd-worker2', 'dedicated=infra:NoSchedule']);
    await c.k(['apply', '-f', '-'], { stdin: daemonSet('busybox:1.36') });
    const out = await c.k(['rollout', 'status', 'daemonset/agent', '--timeout=30s']);
    assert.equal(out.trim().split('\n').at(-1), 'daemon set "agent" successfully rolled out');
    let list = await pods('app=agent');
    assert.deepEqual(list.map((p) => p.spec.nodeName).sort(), ['sd-control-plane', 'sd-worker']);
    const cr = JSON.parse(await c.k(['get', 'controllerrevisions', '-l', 'app=agent', '-o', 'json'])).items;
    assert.equal(cr.length, 1);
    const hash = cr[0].metadata.labels['controller-revision-hash'];
    assert.equal(cr[0].metadata.name, `agent-${hash}`);
    assert.equal(cr[0].revision, 1);
    for (const p of list) {
      assert.match(p.metadata.name, /^agent-[a-z0-9]{5}$/);
      assert.deepEqual(p.metadata.labels, { app: 'agent', 'controller-revision-hash': hash, 'pod-template-generation': '1' });
      assert.deepEqual(p.spec.affinity, { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [p.spec.nodeName] }] }] } } });
      assert.deepEqual(p.spec.tolerations, [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
        { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
      ]);
    }
    const events = JSON.parse(await c.k(['get', 'events', '--field-selector', 'involvedObject.kind=DaemonSet,involvedObject.name=agent', '-o', 'json'])).items;
    assert.deepEqual(events.map((e: KObject) => [e.reason, e.message, e.source.component]).sort(), list.map((p) => ['SuccessfulCreate', `Created pod: ${p.metadata.name}`, 'daemonset-controller']).sort());
    let ds = JSON.parse(await c.k(['get', 'ds', 'agent', '-o', 'json']));
    assert.equal(ds.metadata.annotations['deprecated.daemonset.template.generation'], '1');
    assert.deepEqual(ds.status, { currentNumberScheduled: 2, numberMisscheduled: 0, desiredNumberScheduled: 2, numberReady: 2, observedGeneration: 1, updatedNumberScheduled: 2, numberAvailable: 2 });

    await c.k(['taint', 'nodes', 'sd-worker2', 'dedicated=infra:NoSchedule-']);
    await until('a pod on sd-worker2', async () => (await pods('app=agent')).some((p) => p.spec.nodeName === 'sd-worker2'));
    await c.k(['rollout', 'status', 'daemonset/agent', '--timeout=30s']);
    list = await pods('app=agent');
    assert.deepEqual(list.map((p) => p.spec.nodeName).sort(), ['sd-control-plane', 'sd-worker', 'sd-worker2']);
    await until('status of 3', async () => JSON.parse(await c.k(['get', 'ds', 'agent', '-o', 'json'])).status.numberAvailable === 3);
    ds = JSON.parse(await c.k(['get', 'ds', 'agent', '-o', 'json']));
    assert.deepEqual(ds.status, { currentNumberScheduled: 3, numberMisscheduled: 0, desiredNumberScheduled: 3, numberReady: 3, observedGeneration: 1, updatedNumberScheduled: 3, numberAvailable: 3 });
  });

  test('an image update rolls through every daemon pod; rollout history lists both revisions', async () => {
    const before = new Set((await pods('app=agent')).map((p) => p.metadata.uid));
    await c.k(['set', 'image', 'daemonset/agent', 'agent=busybox:1.37']);
    const out = await c.k(['rollout', 'status', 'daemonset/agent', '--timeout=60s']);
    const lines = out.trim().split('\n');
    assert.equal(lines.at(-1), 'daemon set "agent" successfully rolled out');
    for (const l of lines.slice(0, -1)) assert.match(l, /^Waiting for daemon set "agent" rollout to finish: \d+ (out of \d+ new pods have been updated|of \d+ updated pods are available)\.\.\.$/);
    await until('old pods gone', async () => (await pods('app=agent')).length === 3);
    const list = await pods('app=agent');
    assert.deepEqual(list.map((p) => p.spec.containers[0]!.image), ['busybox:1.37', 'busybox:1.37', 'busybox:1.37']);
    assert.ok(list.every((p) => !before.has(p.metadata.uid)));
    assert.ok(list.every((p) => p.metadata.labels['pod-template-generation'] === '2'));
    const ds = JSON.parse(await c.k(['get', 'ds', 'agent', '-o', 'json']));
    assert.deepEqual([ds.metadata.generation, ds.metadata.annotations['deprecated.daemonset.template.generation'], ds.status.observedGeneration], [2, '2', 2]);
    assert.deepEqual(list.map((p) => p.spec.nodeName).sort(), ['sd-control-plane', 'sd-worker', 'sd-worker2']);
    const history = await c.k(['rollout', 'history', 'daemonset/agent']);
    assert.deepEqual(history.trim().split('\n').map((l) => l.trim().split(/\s+/)), [['daemonset.apps/agent'], ['REVISION', 'CHANGE-CAUSE'], ['1', '<none>'], ['2', '<none>']]);
  });

  test('a NoExecute taint the DaemonSet does not tolerate removes its pod from that node', async () => {
    await c.k(['taint', 'nodes', 'sd-worker2', 'evict=yes:NoExecute']);
    await until('no pod on sd-worker2', async () => !(await pods('app=agent')).some((p) => p.spec.nodeName === 'sd-worker2'));
    await until('desired 2', async () => JSON.parse(await c.k(['get', 'ds', 'agent', '-o', 'json'])).status.desiredNumberScheduled === 2);
    const ds = JSON.parse(await c.k(['get', 'ds', 'agent', '-o', 'json']));
    assert.deepEqual([ds.status.currentNumberScheduled, ds.status.numberMisscheduled, ds.status.numberReady], [2, 0, 2]);
  });

  test('rollout undo daemonset goes back to the previous template, re-numbering its revision', async () => {
    assert.equal(await c.k(['rollout', 'undo', 'daemonset/agent']), 'daemonset.apps/agent rolled back\n');
    await c.k(['rollout', 'status', 'daemonset/agent', '--timeout=60s']);
    await until('old pods gone', async () => (await pods('app=agent')).every((p) => p.spec.containers[0]!.image === 'busybox:1.36'));
    const crs = JSON.parse(await c.k(['get', 'controllerrevisions', '-l', 'app=agent', '-o', 'json'])).items;
    const byImage = Object.fromEntries(crs.map((r: KObject) => [r.data.spec.template.spec.containers[0].image, r.revision]));
    assert.deepEqual(byImage, { 'busybox:1.36': 3, 'busybox:1.37': 2 });
  });

  test('a cordoned node still runs its daemon pod: the unschedulable toleration lets the scheduler bind a replacement', async () => {
    await c.k(['cordon', 'sd-worker']);
    const old = (await pods('app=agent')).find((p) => p.spec.nodeName === 'sd-worker')!;
    await c.k(['delete', 'pod', old.metadata.name, '--wait=true']);
    await until('a replacement on sd-worker', async () => (await pods('app=agent')).some((p) => p.spec.nodeName === 'sd-worker' && p.metadata.uid !== old.metadata.uid));
    await c.k(['rollout', 'status', 'daemonset/agent', '--timeout=30s']);
    await c.k(['uncordon', 'sd-worker']);
  });

  test('with maxSurge a new daemon pod starts beside the old one before the old one goes', async () => {
    const dsEvents = async () => JSON.parse(await c.k(['get', 'events', '--field-selector', 'involvedObject.kind=DaemonSet,involvedObject.name=agent', '-o', 'json'])).items as KObject[];
    const seen = (await dsEvents()).length;
    // the recorder combines the 10th distinct "Created pod" into one event whose count grows, so count occurrences
    const tally = async () => (await dsEvents()).reduce((t, e) => ((t[e.reason] = (t[e.reason] ?? 0) + (e.count as number)), t), {} as Record<string, number>);
    const before = await tally();
    await c.k(['patch', 'daemonset', 'agent', '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"maxSurge":1,"maxUnavailable":0}}}}']);
    await c.k(['set', 'image', 'daemonset/agent', 'agent=busybox:1.38']);
    await c.k(['rollout', 'status', 'daemonset/agent', '--timeout=60s']);
    await until('old pods gone', async () => (await pods('app=agent')).every((p) => p.spec.containers[0]!.image === 'busybox:1.38'));
    const fresh = (await dsEvents()).slice(seen).map((e) => e.reason);
    assert.equal(fresh[0], 'SuccessfulCreate');
    const after = await tally();
    const delta = (r: string) => (after[r] ?? 0) - (before[r] ?? 0);
    assert.deepEqual([delta('SuccessfulCreate'), delta('SuccessfulDelete')], [2, 2]);
  });

  test('Parallel StatefulSet with OnDelete: all pods at once, updates only when a pod is deleted, claims handed over on scale down', async () => {
    const manifest = statefulSet('nginx:1.25')
      .replace('name: web', 'name: par')
      .replaceAll('app: web', 'app: par')
      .replace('serviceName: nginx', 'serviceName: par\n  podManagementPolicy: Parallel\n  updateStrategy: {type: OnDelete}\n  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete, whenScaled: Delete}');
    await c.k(['apply', '-f', '-'], { stdin: manifest });
    await until('three ready pods', async () => JSON.parse(await c.k(['get', 'sts', 'par', '-o', 'json'])).status.readyReplicas === 3);
    const sts = JSON.parse(await c.k(['get', 'sts', 'par', '-o', 'json']));
    const claim = JSON.parse(await c.k(['get', 'pvc', 'www-par-2', '-o', 'json']));
    assert.deepEqual(claim.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'par', uid: sts.metadata.uid }]);
    const status = await c.kubectl(['rollout', 'status', 'statefulset/par']);
    assert.deepEqual([status.code, status.stderr], [1, 'error: rollout status is only available for RollingUpdate strategy type\n']);

    await c.k(['set', 'image', 'statefulset/par', 'nginx=nginx:1.27']);
    await until('the new revision observed', async () => JSON.parse(await c.k(['get', 'sts', 'par', '-o', 'json'])).status.observedGeneration === 2);
    let s2 = JSON.parse(await c.k(['get', 'sts', 'par', '-o', 'json']));
    assert.notEqual(s2.status.updateRevision, s2.status.currentRevision);
    assert.deepEqual([s2.status.currentReplicas, s2.status.updatedReplicas ?? 0], [3, 0]);
    await c.k(['delete', 'pod', 'par-1', '--wait=true']);
    await until('par-1 back with the new image', async () => (await pods('app=par')).some((p) => p.metadata.name === 'par-1' && p.spec.containers[0]!.image === 'nginx:1.27'));
    await until('status counts it', async () => JSON.parse(await c.k(['get', 'sts', 'par', '-o', 'json'])).status.updatedReplicas === 1);
    s2 = JSON.parse(await c.k(['get', 'sts', 'par', '-o', 'json']));
    assert.deepEqual([s2.status.currentReplicas, s2.status.updatedReplicas], [2, 1]);
    assert.deepEqual((await pods('app=par')).map((p) => [p.metadata.name, p.spec.containers[0]!.image]).sort(), [['par-0', 'nginx:1.25'], ['par-1', 'nginx:1.27'], ['par-2', 'nginx:1.25']]);

    // whenScaled=Delete: the claim of the removed ordinal, owned by the live set until now, is handed to its pod,
    // so the garbage collector takes it once the pod is gone (www-web-2 above, under Retain, stayed)
    await c.k(['scale', 'statefulset', 'par', '--replicas=2']);
    await until('par-2 gone', async () => (await pods('app=par')).length === 2);
    await until('www-par-2 collected', async () => (await c.kubectl(['get', 'pvc', 'www-par-2'])).code === 1);
    const claims = JSON.parse(await c.k(['get', 'pvc', '-l', 'app=par', '-o', 'json'])).items;
    assert.deepEqual(claims.map((x: KObject) => x.metadata.name), ['www-par-0', 'www-par-1']);

    // whenDeleted=Delete: deleting the set takes its pods and the remaining claims
    await c.k(['delete', 'statefulset', 'par']);
    await until('pods and claims collected', async () => (await pods('app=par')).length === 0 && JSON.parse(await c.k(['get', 'pvc', '-l', 'app=par', '-o', 'json'])).items.length === 0);
  });

  test('kubectl rollout restart statefulset replaces every pod, from the highest ordinal down', async () => {
    const before = new Set((await pods('app=web')).map((p) => p.metadata.uid));
    assert.equal(await c.k(['rollout', 'restart', 'statefulset/web']), 'statefulset.apps/web restarted\n');
    await until('a new revision observed', async () => JSON.parse(await c.k(['get', 'sts', 'web', '-o', 'json'])).status.observedGeneration >= 2);
    await c.k(['rollout', 'status', 'statefulset/web', '--timeout=60s']);
    const after = await pods('app=web');
    assert.deepEqual(after.map((p) => p.metadata.name).sort(), ['web-0', 'web-1', 'web-2']);
    assert.ok(after.every((p) => !before.has(p.metadata.uid)));
    const events = JSON.parse(await c.k(['get', 'events', '--field-selector', 'involvedObject.kind=StatefulSet,involvedObject.name=web,reason=SuccessfulDelete', '-o', 'json'])).items;
    assert.deepEqual(events.slice(-3).map((e: KObject) => e.message), ['delete Pod web-2 in StatefulSet web successful', 'delete Pod web-1 in StatefulSet web successful', 'delete Pod web-0 in StatefulSet web successful']);
  });
});

