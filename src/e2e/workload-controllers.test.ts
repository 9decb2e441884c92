// The workload controllers (replicaset, replicationcontroller, deployment) driven through real kubectl, with a
// stand-in kubelet (src/testing/pod-readiness.ts) reporting pods Ready.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, table, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';
import { startPodReadiness, type PodReadiness } from '../testing/pod-readiness.js';
import { computeHash } from '../controllers/pod-template-hash.js';
import { eventually } from '../testing/eventually.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;


describe('workload controllers', () => {
  let c: TestCluster;
  let kubelet: PodReadiness;
  const get = async (path: string): Promise<Obj> => (await api(c, 'GET', path)).json;
  const deployment = (ns: string, name: string) => get(`/apis/apps/v1/namespaces/${ns}/deployments/${name}`);
  const replicaSets = async (ns: string): Promise<Obj[]> => (await get(`/apis/apps/v1/namespaces/${ns}/replicasets`)).items;
  const pods = async (ns: string): Promise<Obj[]> => (await get(`/api/v1/namespaces/${ns}/pods`)).items;
  const ns = async (name: string) => c.k(['create', 'namespace', name]);

  before(async () => {
    // the workload controllers without the simulated scheduler and kubelet: the stand-in decides readiness
    c = await startTestCluster({ controllers: '*,-node-simulator,-kubelet-simulator,-default-scheduler' });
    // pods in namespace "stuck" never become ready
    kubelet = startPodReadiness(c, { delayMs: 100, filter: (p) => p.metadata.namespace !== 'stuck' });
  });
  after(async () => {
    kubelet?.stop();
    await c?.cleanup();
  });

  test('kubectl create deployment nginx --image=nginx makes ReplicaSet nginx-5869d7778c, as a v1.33 cluster does', async () => {
    await ns('hash');
    await c.k(['-n', 'hash', 'create', 'deployment', 'nginx', '--image=nginx']);
    const rs = await eventually('the ReplicaSet', async () => (await replicaSets('hash'))[0]);
    assert.equal(rs.metadata.name, 'nginx-5869d7778c');
    assert.deepEqual(rs.metadata.labels, { app: 'nginx', 'pod-template-hash': '5869d7778c' });
    assert.deepEqual(rs.spec.selector, { matchLabels: { app: 'nginx', 'pod-template-hash': '5869d7778c' } });
    const d = await deployment('hash', 'nginx');
    assert.equal(computeHash(d.spec.template), '5869d7778c');
    assert.deepEqual(rs.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(rs.metadata.annotations, { 'deployment.kubernetes.io/desired-replicas': '1', 'deployment.kubernetes.io/max-replicas': '2', 'deployment.kubernetes.io/revision': '1' });
    // the revision annotation is written with the status, so kube-controller-manager owns it through status
    const dd = await eventually('the revision annotation', async () => {
      const x = await deployment('hash', 'nginx');
      return x.metadata.annotations?.['deployment.kubernetes.io/revision'] === '1' && x;
    });
    // (entries of the same second sort by manager name)
    const managers = dd.metadata.managedFields.map((m: Obj) => [m.manager, m.operation, m.subresource ?? '']).sort();
    assert.deepEqual(managers, [
      ['kube-controller-manager', 'Update', 'status'],
      ['kubectl-create', 'Update', ''],
    ]);
    const kcm = dd.metadata.managedFields.find((m: Obj) => m.manager === 'kube-controller-manager');
    assert.deepEqual(kcm.fieldsV1['f:metadata'], { 'f:annotations': { '.': {}, 'f:deployment.kubernetes.io/revision': {} } });
  });

  test('create deployment --replicas=3: rollout status completes, pods are named and owned as upstream, get columns and status are right', async () => {
    await ns('web');
    await c.k(['-n', 'web', 'create', 'deployment', 'web', '--image=nginx', '--replicas=3']);
    const out = await c.k(['-n', 'web', 'rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.match(out, /deployment "web" successfully rolled out\n$/);
    const [rs] = await replicaSets('web');
    const hash = rs.metadata.labels['pod-template-hash'];
    assert.equal(rs.metadata.name, `web-${hash}`);
    const ps = await pods('web');
    assert.equal(ps.length, 3);
    for (const p of ps) {
      assert.match(p.metadata.name, new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      assert.equal(p.metadata.generateName, `web-${hash}-`);
      assert.deepEqual(p.metadata.labels, { app: 'web', 'pod-template-hash': hash });
      assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    const d = await deployment('web', 'web');
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '1');
    const { conditions, ...counts } = d.status;
    assert.deepEqual(counts, { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    assert.deepEqual(
      conditions.map((x: Obj) => [x.type, x.status, x.reason, x.message]),
      [
        ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
        ['Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "web-${hash}" has successfully progressed.`],
      ],
    );
    const rsStatus = (await replicaSets('web'))[0].status;
    assert.deepEqual(rsStatus, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    const rows = table(await c.k(['-n', 'web', 'get', 'deploy,rs,pods']));
    assert.deepEqual(rows[0], ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    assert.deepEqual(rows[1]!.slice(0, 4), ['deployment.apps/web', '3/3', '3', '3']);
    assert.deepEqual(rows[2], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    assert.deepEqual(rows[3]!.slice(0, 4), [`replicaset.apps/web-${hash}`, '3', '3', '3']);
    assert.deepEqual(rows[4], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    for (const r of rows.slice(5)) assert.deepEqual(r.slice(1, 4), ['1/1', 'Running', '0']);
    const described = await c.k(['-n', 'web', 'describe', 'deployment', 'web']);
    assert.match(described, /Replicas:\s+3 desired \| 3 updated \| 3 total \| 3 available \| 0 unavailable/);
    assert.match(described, new RegExp(`NewReplicaSet:\\s+web-${hash} \\(3/3 replicas created\\)`));
    assert.match(described, new RegExp(`ScalingReplicaSet\\s+\\S+\\s+deployment-controller\\s+Scaled up replica set web-${hash} from 0 to 3`));
  });

  test('kubectl set image rolls out a second ReplicaSet without exceeding maxSurge or going below replicas - maxUnavailable', async () => {
    await ns('roll');
    await c.k(['-n', 'roll', 'create', 'deployment', 'app', '--image=nginx:1.26', '--replicas=4']);
    await c.k(['-n', 'roll', 'rollout', 'status', 'deployment/app', '--timeout=60s']);
    // 4 replicas, 25%/25%: at most 5 pods, at least 3 available
    const samples: [number, number][] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const sets = await replicaSets('roll');
        samples.push([sets.reduce((n: number, s: Obj) => n + s.spec.replicas, 0), sets.reduce((n: number, s: Obj) => n + (s.status.availableReplicas ?? 0), 0)]);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await c.k(['-n', 'roll', 'set', 'image', 'deployment/app', 'nginx=nginx:1.27']);
    await c.k(['-n', 'roll', 'rollout', 'status', 'deployment/app', '--timeout=60s']);
    sampling = false;
    await sampler;
    assert.ok(samples.length > 5);
    for (const [total, available] of samples) {
      assert.ok(total <= 5, `${total} replicas exceed replicas + maxSurge`);
      assert.ok(available >= 3, `${available} available is below replicas - maxUnavailable`);
    }
    const sets = (await replicaSets('roll')).sort((a: Obj, b: Obj) => Number(a.metadata.annotations['deployment.kubernetes.io/revision']) - Number(b.metadata.annotations['deployment.kubernetes.io/revision']));
    assert.deepEqual(sets.map((s: Obj) => [s.spec.replicas, s.spec.template.spec.containers[0].image, s.metadata.annotations['deployment.kubernetes.io/revision']]), [
      [0, 'nginx:1.26', '1'],
      [4, 'nginx:1.27', '2'],
    ]);
    const images = (await pods('roll')).map((p: Obj) => p.spec.containers[0].image);
    assert.deepEqual(images, ['nginx:1.27', 'nginx:1.27', 'nginx:1.27', 'nginx:1.27']);
    const events = await c.k(['-n', 'roll', 'get', 'events', '--field-selector=involvedObject.kind=Deployment', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
    assert.match(events, new RegExp(`Scaled up replica set ${sets[1].metadata.name} from 0 to 1\\n`));
    assert.match(events, new RegExp(`Scaled down replica set ${sets[0].metadata.name} from 4 to 3\\n`));
  });

  test('rollout history, undo, pause, resume and restart work as on a real cluster', async () => {
    await ns('hist');
    await c.k(['-n', 'hist', 'create', 'deployment', 'h', '--image=nginx:1.26', '--replicas=2']);
    await c.k(['-n', 'hist', 'rollout', 'status', 'deployment/h', '--timeout=60s']);
    // as upstream copies the deployment's annotations to its current ReplicaSet, annotate after the change
    await c.k(['-n', 'hist', 'set', 'image', 'deployment/h', 'nginx=nginx:1.27']);
    await c.k(['-n', 'hist', 'annotate', 'deployment/h', 'kubernetes.io/change-cause=to 1.27']);
    await c.k(['-n', 'hist', 'rollout', 'status', 'deployment/h', '--timeout=60s']);
    assert.equal(await c.k(['-n', 'hist', 'rollout', 'history', 'deployment/h']), 'deployment.apps/h \nREVISION  CHANGE-CAUSE\n1         <none>\n2         to 1.27\n\n');
    assert.match(await c.k(['-n', 'hist', 'rollout', 'history', 'deployment/h', '--revision=1']), /Image:\s+nginx:1\.26/);
    const first = (await replicaSets('hist')).find((s: Obj) => s.spec.template.spec.containers[0].image === 'nginx:1.26');

    assert.equal(await c.k(['-n', 'hist', 'rollout', 'undo', 'deployment/h']), 'deployment.apps/h rolled back\n');
    await c.k(['-n', 'hist', 'rollout', 'status', 'deployment/h', '--timeout=60s']);
    const back = (await replicaSets('hist')).find((s: Obj) => s.metadata.uid === first.metadata.uid);
    assert.equal(back.metadata.annotations['deployment.kubernetes.io/revision'], '3');
    assert.equal(back.metadata.annotations['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(back.spec.replicas, 2);
    assert.match(await c.k(['-n', 'hist', 'rollout', 'history', 'deployment/h']), /^REVISION {2}CHANGE-CAUSE\n2 {9}to 1\.27\n3 {9}<none>\n$/m);

    assert.equal(await c.k(['-n', 'hist', 'rollout', 'pause', 'deployment/h']), 'deployment.apps/h paused\n');
    const paused = await eventually('the paused condition', async () => {
      const d = await deployment('hist', 'h');
      return d.status.conditions.find((x: Obj) => x.type === 'Progressing' && x.reason === 'DeploymentPaused') && d;
    });
    assert.deepEqual(paused.status.conditions.find((x: Obj) => x.type === 'Progressing').status, 'Unknown');
    await c.k(['-n', 'hist', 'set', 'image', 'deployment/h', 'nginx=nginx:1.28']);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await replicaSets('hist')).length, 2, 'a paused deployment rolls nothing out');
    assert.equal(await c.k(['-n', 'hist', 'rollout', 'resume', 'deployment/h']), 'deployment.apps/h resumed\n');
    await c.k(['-n', 'hist', 'rollout', 'status', 'deployment/h', '--timeout=60s']);
    assert.equal((await replicaSets('hist')).length, 3);

    assert.equal(await c.k(['-n', 'hist', 'rollout', 'restart', 'deployment/h']), 'deployment.apps/h restarted\n');
    await c.k(['-n', 'hist', 'rollout', 'status', 'deployment/h', '--timeout=60s']);
    const d = await deployment('hist', 'h');
    assert.ok(d.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']);
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '5');
    const ps = await pods('hist');
    assert.equal(ps.length, 2);
    for (const p of ps) assert.ok(p.metadata.annotations['kubectl.kubernetes.io/restartedAt']);
  });

  test('kubectl scale resizes the ReplicaSet without a rollout; a deleted pod is replaced', async () => {
    await ns('scale');
    await c.k(['-n', 'scale', 'create', 'deployment', 's', '--image=nginx', '--replicas=2']);
    await c.k(['-n', 'scale', 'rollout', 'status', 'deployment/s', '--timeout=60s']);
    assert.equal(await c.k(['-n', 'scale', 'scale', 'deployment/s', '--replicas=5']), 'deployment.apps/s scaled\n');
    await c.k(['-n', 'scale', 'rollout', 'status', 'deployment/s', '--timeout=60s']);
    const [rs] = await replicaSets('scale');
    assert.equal((await replicaSets('scale')).length, 1);
    assert.equal(rs.spec.replicas, 5);
    assert.equal(rs.metadata.annotations['deployment.kubernetes.io/desired-replicas'], '5');
    assert.equal(rs.metadata.annotations['deployment.kubernetes.io/max-replicas'], '7');
    assert.equal((await deployment('scale', 's')).metadata.annotations['deployment.kubernetes.io/revision'], '1');

    const victim = (await pods('scale'))[0].metadata.name;
    await c.k(['-n', 'scale', 'delete', 'pod', victim]);
    const after = await eventually('a replacement pod', async () => {
      const ps = (await pods('scale')).filter((p: Obj) => !p.metadata.deletionTimestamp);
      return ps.length === 5 && !ps.some((p: Obj) => p.metadata.name === victim) && ps;
    });
    assert.ok(after.every((p: Obj) => p.metadata.name.startsWith(`${rs.metadata.name}-`)));
    await c.k(['-n', 'scale', 'scale', 'rs', rs.metadata.name, '--replicas=1']);
    // the deployment owns the size of its ReplicaSet: it is put back
    await eventually('the ReplicaSet back at 5', async () => (await replicaSets('scale'))[0].spec.replicas === 5);
  });

  test('a Recreate deployment removes every old pod before creating new ones', async () => {
    await ns('recreate');
    await c.k(['-n', 'recreate', 'apply', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'r' },
        spec: { replicas: 2, strategy: { type: 'Recreate' }, selector: { matchLabels: { app: 'r' } }, template: { metadata: { labels: { app: 'r' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.26' }] } } },
      }),
    });
    await c.k(['-n', 'recreate', 'rollout', 'status', 'deployment/r', '--timeout=60s']);
    const mixed: string[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const images = new Set((await pods('recreate')).map((p: Obj) => p.spec.containers[0].image));
        if (images.size > 1) mixed.push([...images].join(','));
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await c.k(['-n', 'recreate', 'set', 'image', 'deployment/r', 'c=nginx:1.27']);
    await c.k(['-n', 'recreate', 'rollout', 'status', 'deployment/r', '--timeout=60s']);
    sampling = false;
    await sampler;
    assert.deepEqual(mixed, []);
    assert.deepEqual((await pods('recreate')).map((p: Obj) => p.spec.containers[0].image), ['nginx:1.27', 'nginx:1.27']);
  });

  test('pods count as available only minReadySeconds after they became ready', async () => {
    await ns('minready');
    await c.k(['-n', 'minready', 'apply', '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'm' }, spec: { minReadySeconds: 3, selector: { matchLabels: { app: 'm' } }, template: { metadata: { labels: { app: 'm' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } }),
    });
    const ready = await eventually('a ready, not yet available replica', async () => {
      const [rs] = (await replicaSets('minready')).filter((x: Obj) => x.spec.minReadySeconds === 3);
      return rs?.status.readyReplicas === 1 && rs;
    });
    assert.equal(ready.status.availableReplicas ?? 0, 0);
    const readyAt = Date.now();
    await c.k(['-n', 'minready', 'rollout', 'status', 'deployment/m', '--timeout=60s']);
    assert.ok(Date.now() - readyAt >= 1500, 'available before minReadySeconds passed');
    const [rs] = (await replicaSets('minready')).filter((x: Obj) => x.spec.minReadySeconds === 3);
    assert.equal(rs.status.availableReplicas, 1);
  });

  test('revisionHistoryLimit keeps only that many old ReplicaSets', async () => {
    await ns('limit');
    await c.k(['-n', 'limit', 'create', 'deployment', 'l', '--image=nginx:1.25']);
    await c.k(['-n', 'limit', 'patch', 'deployment', 'l', '-p', '{"spec":{"revisionHistoryLimit":1}}']);
    for (const v of ['1.26', '1.27', '1.28']) {
      await c.k(['-n', 'limit', 'set', 'image', 'deployment/l', `nginx=nginx:${v}`]);
      await c.k(['-n', 'limit', 'rollout', 'status', 'deployment/l', '--timeout=60s']);
    }
    const sets = await eventually('old ReplicaSets cleaned up', async () => {
      const s = await replicaSets('limit');
      return s.length === 2 && s;
    });
    assert.deepEqual(sets.map((s: Obj) => s.metadata.annotations['deployment.kubernetes.io/revision']).sort(), ['3', '4']);
  });

  test('a rollout that makes no progress within progressDeadlineSeconds is reported as ProgressDeadlineExceeded', async () => {
    await ns('stuck');
    await c.k(['-n', 'stuck', 'create', 'deployment', 'x', '--image=nginx']);
    await c.k(['-n', 'stuck', 'patch', 'deployment', 'x', '-p', '{"spec":{"progressDeadlineSeconds":2}}']);
    const r = await c.kubectl(['-n', 'stuck', 'rollout', 'status', 'deployment/x', '--timeout=30s']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: deployment "x" exceeded its progress deadline/);
    const d = await deployment('stuck', 'x');
    const rsName = (await replicaSets('stuck'))[0].metadata.name;
    const p = d.status.conditions.find((x: Obj) => x.type === 'Progressing');
    assert.deepEqual([p.status, p.reason, p.message], ['False', 'ProgressDeadlineExceeded', `ReplicaSet "${rsName}" has timed out progressing.`]);
    assert.equal(d.status.unavailableReplicas, 1);
  });

  test('a ReplicaSet adopts a matching orphan pod and releases a pod whose labels stop matching', async () => {
    await ns('adopt');
    await api(c, 'POST', '/api/v1/namespaces/adopt/pods', { metadata: { name: 'stray', labels: { tier: 'fe' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    await c.k(['-n', 'adopt', 'apply', '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'fe' }, spec: { replicas: 2, selector: { matchLabels: { tier: 'fe' } }, template: { metadata: { labels: { tier: 'fe' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } }),
    });
    const rs = await eventually('two ready replicas', async () => {
      const r = (await get('/apis/apps/v1/namespaces/adopt/replicasets/fe')) as Obj;
      return r.status?.readyReplicas === 2 && r;
    });
    const stray = await get('/api/v1/namespaces/adopt/pods/stray');
    assert.deepEqual(stray.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'fe', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal((await pods('adopt')).length, 2);
    await c.k(['-n', 'adopt', 'label', 'pod', 'stray', 'tier=debug', '--overwrite']);
    await eventually('the released pod replaced', async () => {
      const ps = await pods('adopt');
      return ps.length === 3 && ps.find((p: Obj) => p.metadata.name === 'stray' && !p.metadata.ownerReferences?.length);
    });
    await eventually('the replacement ready', async () => ((await get('/apis/apps/v1/namespaces/adopt/replicasets/fe')) as Obj).status.readyReplicas === 2);
    const rows = table(await c.k(['-n', 'adopt', 'get', 'rs']));
    assert.deepEqual(rows[1]!.slice(0, 4), ['fe', '2', '2', '2']);
  });

  test('a ReplicationController keeps its pods and scales through kubectl', async () => {
    await ns('rc');
    await c.k(['-n', 'rc', 'apply', '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'old' }, spec: { replicas: 3, template: { metadata: { labels: { app: 'old' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } }),
    });
    const rc = await eventually('three ready replicas', async () => {
      const r = (await get('/api/v1/namespaces/rc/replicationcontrollers/old')) as Obj;
      return r.status?.readyReplicas === 3 && r.status?.availableReplicas === 3 && r;
    });
    assert.deepEqual(rc.status, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    for (const p of await pods('rc')) {
      assert.match(p.metadata.name, /^old-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'old', uid: rc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    await c.k(['-n', 'rc', 'scale', 'rc/old', '--replicas=1']);
    await eventually('one pod left', async () => (await pods('rc')).length === 1);
    const rows = table(await c.k(['-n', 'rc', 'get', 'rc']));
    assert.deepEqual(rows[0], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    await eventually('the RC status caught up', async () => table(await c.k(['-n', 'rc', 'get', 'rc']))[1]!.slice(0, 4).join(' ') === 'old 1 1 1');
    assert.match(await c.k(['-n', 'rc', 'describe', 'rc/old']), /SuccessfulDelete\s+\S+\s+replication-controller\s+Deleted pod: old-/);
  });
});
