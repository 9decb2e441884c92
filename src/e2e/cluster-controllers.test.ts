// The cluster controllers (endpoints, endpointslice, persistentvolume-binder, disruption, pod-garbage-collector,
// node-lifecycle) with every controller running, driven through real kubectl as a user would.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api, watch } from '../testing/client.js';
import { eventually } from '../testing/eventually.js';

/** kubectl's table as rows of cells, the AGE column dropped. */
const rows = (out: string) =>
  out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));

describe('cluster controllers', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ controllers: '*', nodes: 2 });
  });
  after(async () => c?.cleanup());

  const podIPs = async (ns: string, selector: string) => {
    const out = await c.k(['get', 'pods', '-n', ns, '-l', selector, '-o', 'jsonpath={range .items[*]}{.status.podIP}{"\\n"}{end}']);
    return out.trim().split('\n').filter(Boolean).sort();
  };

  test('kubectl expose of a deployment: endpoints and endpointslices list the ready pod IPs with the resolved port', async () => {
    await c.k(['create', 'namespace', 'web']);
    await c.k(['-n', 'web', 'create', 'deployment', 'web', '--image=nginx', '--replicas=2', '--port=80']);
    await c.k(['-n', 'web', 'rollout', 'status', 'deployment/web', '--timeout=30s']);
    await c.k(['-n', 'web', 'expose', 'deployment', 'web', '--port=8080', '--target-port=80']);
    const ips = await podIPs('web', 'app=web');
    assert.equal(ips.length, 2);
    const ep = await eventually('two addresses in Endpoints web', async () => {
      const r = await api(c, 'GET', '/api/v1/namespaces/web/endpoints/web');
      return r.status === 200 && (r.json.subsets?.[0]?.addresses ?? []).length === 2 ? r.json : undefined;
    });
    assert.deepEqual(ep.metadata.labels, { app: 'web' });
    assert.match(ep.metadata.annotations['endpoints.kubernetes.io/last-change-trigger-time'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.deepEqual(ep.subsets[0].ports, [{ port: 80, protocol: 'TCP' }]);
    const a = ep.subsets[0].addresses[0];
    assert.deepEqual(Object.keys(a.targetRef).sort(), ['kind', 'name', 'namespace', 'uid']);
    assert.equal(a.targetRef.kind, 'Pod');
    assert.match(a.nodeName, /-control-plane$|-worker$/);
    const got = await c.k(['-n', 'web', 'get', 'endpoints', 'web']);
    assert.deepEqual(rows(got).map((r) => r.slice(0, 2)), [['NAME', 'ENDPOINTS'], ['web', ips.map((ip) => `${ip}:80`).join(',')]]);
    const slices = await eventually('one EndpointSlice with two endpoints', async () => {
      const r = await api(c, 'GET', '/apis/discovery.k8s.io/v1/namespaces/web/endpointslices?labelSelector=kubernetes.io/service-name%3Dweb');
      return r.json.items?.length === 1 && r.json.items[0].endpoints?.length === 2 ? r.json.items : undefined;
    });
    const s = slices[0];
    assert.match(s.metadata.name, /^web-[a-z0-9]{5}$/);
    assert.deepEqual(s.metadata.labels, { app: 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': 'web' });
    assert.equal(s.metadata.ownerReferences[0].kind, 'Service');
    assert.equal(s.addressType, 'IPv4');
    assert.deepEqual(s.ports, [{ name: '', port: 80, protocol: 'TCP' }]);
    assert.deepEqual(s.endpoints[0].conditions, { ready: true, serving: true, terminating: false });
    const sliceTable = await c.k(['-n', 'web', 'get', 'endpointslices']);
    assert.deepEqual(rows(sliceTable).map((r) => r.slice(0, 4)), [['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS'], [s.metadata.name, 'IPv4', '80', ips.join(',')]]);
    // scaling down removes the address from both
    await c.k(['-n', 'web', 'scale', 'deployment/web', '--replicas=1']);
    await eventually('one address left in Endpoints web', async () => (await api(c, 'GET', '/api/v1/namespaces/web/endpoints/web')).json.subsets?.[0]?.addresses?.length === 1);
    await eventually('one endpoint left in the slice', async () => (await api(c, 'GET', `/apis/discovery.k8s.io/v1/namespaces/web/endpointslices/${s.metadata.name}`)).json.endpoints?.length === 1);
  });

  test('the kubernetes service\'s Endpoints and EndpointSlice name this server, as kube-apiserver\'s reconciler writes them', async () => {
    const port = Number(new URL(c.url).port);
    const ep = (await api(c, 'GET', '/api/v1/namespaces/default/endpoints/kubernetes')).json;
    assert.deepEqual([ep.metadata.labels, ep.subsets], [{ 'endpointslice.kubernetes.io/skip-mirror': 'true' }, [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port, protocol: 'TCP' }] }]]);
    const slice = (await api(c, 'GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes')).json;
    assert.deepEqual([slice.metadata.labels, slice.addressType, slice.endpoints, slice.ports], [{ 'kubernetes.io/service-name': 'kubernetes' }, 'IPv4', [{ addresses: ['127.0.0.1'], conditions: { ready: true } }], [{ name: 'https', port, protocol: 'TCP' }]]);
    const row = (await c.k(['get', 'endpoints', 'kubernetes', '-n', 'default'])).split('\n')[1]!.split(/\s+/);
    assert.deepEqual(row.slice(0, 2), ['kubernetes', `127.0.0.1:${port}`]);
  });

  test('a headless service gets the headless label; a service without selector is left alone', async () => {
    await c.k(['create', 'namespace', 'hl']);
    await api(c, 'POST', '/api/v1/namespaces/hl/services', { metadata: { name: 'db' }, spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] } });
    await api(c, 'POST', '/api/v1/namespaces/hl/services', { metadata: { name: 'ext' }, spec: { ports: [{ port: 80 }] } });
    const ep = await eventually('Endpoints db', async () => {
      const r = await api(c, 'GET', '/api/v1/namespaces/hl/endpoints/db');
      return r.status === 200 ? r.json : undefined;
    });
    assert.deepEqual(ep.metadata.labels, { 'service.kubernetes.io/headless': '' });
    assert.equal(ep.subsets, undefined);
    const slice = await eventually('the headless EndpointSlice', async () => (await api(c, 'GET', '/apis/discovery.k8s.io/v1/namespaces/hl/endpointslices?labelSelector=kubernetes.io/service-name%3Ddb')).json.items?.[0]);
    assert.equal(slice.metadata.labels['service.kubernetes.io/headless'], '');
    assert.equal(slice.endpoints, null);
    assert.equal((await api(c, 'GET', '/api/v1/namespaces/hl/endpoints/ext')).status, 404);
    // deleting the service deletes its Endpoints
    await c.k(['-n', 'hl', 'delete', 'service', 'db']);
    await eventually('Endpoints db gone', async () => (await api(c, 'GET', '/api/v1/namespaces/hl/endpoints/db')).status === 404);
  });

  test('a claim of the default class is provisioned and bound; deleting it removes the volume', async () => {
    await c.k(['create', 'namespace', 'vol']);
    const sc = await c.k(['get', 'storageclass']);
    assert.deepEqual(rows(sc).map((r) => r.slice(0, 5)), [['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION'], ['standard (default)', 'minikapi.dev/hostpath', 'Delete', 'Immediate', 'false']]);
    await api(c, 'POST', '/api/v1/namespaces/vol/persistentvolumeclaims', { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    const pvc = await eventually('claim data Bound', async () => {
      const r = await api(c, 'GET', '/api/v1/namespaces/vol/persistentvolumeclaims/data');
      return r.json.status?.phase === 'Bound' ? r.json : undefined;
    });
    const pvName = `pvc-${pvc.metadata.uid}`;
    assert.equal(pvc.spec.storageClassName, 'standard');
    assert.equal(pvc.spec.volumeName, pvName);
    assert.deepEqual(pvc.metadata.annotations, {
      'pv.kubernetes.io/bind-completed': 'yes',
      'pv.kubernetes.io/bound-by-controller': 'yes',
      'volume.beta.kubernetes.io/storage-provisioner': 'minikapi.dev/hostpath',
      'volume.kubernetes.io/storage-provisioner': 'minikapi.dev/hostpath',
    });
    assert.deepEqual(pvc.status, { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
    const got = await c.k(['-n', 'vol', 'get', 'pvc']);
    assert.deepEqual(rows(got).map((r) => r.slice(0, 6)), [['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS'], ['data', 'Bound', pvName, '1Gi', 'RWO', 'standard']]);
    // the PV controller's and the provisioner's events, as kubectl describe pvc shows them
    const events = await eventually('ProvisioningSucceeded', async () => {
      const out = await c.k(['-n', 'vol', 'get', 'events', '--field-selector', 'involvedObject.name=data', '-o', 'jsonpath={range .items[*]}{.reason}|{.source.component}|{.message}{"\\n"}{end}']);
      return out.includes('ProvisioningSucceeded') ? out : undefined;
    });
    const byReason = new Map(events.trim().split('\n').map((l) => [l.split('|')[0], l.split('|').slice(1)]));
    assert.deepEqual(byReason.get('ExternalProvisioning'), ['persistentvolume-controller', "Waiting for a volume to be created either by the external provisioner 'minikapi.dev/hostpath' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."]);
    assert.match(byReason.get('Provisioning')!.join('|'), /^minikapi\.dev\/hostpath_minikapi_[0-9a-f-]{36}\|External provisioner is provisioning volume for claim "vol\/data"$/);
    assert.equal(byReason.get('ProvisioningSucceeded')![1], `Successfully provisioned volume ${pvName}`);
    const pv = (await api(c, 'GET', `/api/v1/persistentvolumes/${pvName}`)).json;
    assert.equal(pv.metadata.annotations['pv.kubernetes.io/provisioned-by'], 'minikapi.dev/hostpath');
    assert.equal(pv.status.phase, 'Bound');
    assert.deepEqual([pv.spec.claimRef.namespace, pv.spec.claimRef.name, pv.spec.claimRef.uid], ['vol', 'data', pvc.metadata.uid]);
    const pvTable = await c.k(['get', 'pv', pvName]);
    assert.deepEqual(rows(pvTable)[1]!.slice(0, 7), [pvName, '1Gi', 'RWO', 'Delete', 'Bound', 'vol/data', 'standard']);
    await c.k(['-n', 'vol', 'delete', 'pvc', 'data']);
    await eventually('the volume deleted', async () => (await api(c, 'GET', `/api/v1/persistentvolumes/${pvName}`)).status === 404);
  });

  test('a WaitForFirstConsumer claim waits for a pod, then gets the node the scheduler chose and a volume pinned to it', async () => {
    await api(c, 'POST', '/apis/storage.k8s.io/v1/storageclasses', { metadata: { name: 'lazy' }, provisioner: 'minikapi.dev/hostpath', volumeBindingMode: 'WaitForFirstConsumer' });
    await api(c, 'POST', '/api/v1/namespaces/vol/persistentvolumeclaims', { metadata: { name: 'later' }, spec: { storageClassName: 'lazy', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    await new Promise((r) => setTimeout(r, 500));
    const waiting = (await api(c, 'GET', '/api/v1/namespaces/vol/persistentvolumeclaims/later')).json;
    assert.deepEqual([waiting.status.phase, waiting.spec.volumeName, waiting.metadata.annotations], ['Pending', undefined, undefined]);
    assert.equal(await c.k(['-n', 'vol', 'get', 'events', '--field-selector', 'involvedObject.name=later', '-o', 'jsonpath={.items[*].reason}: {.items[*].message}']), 'WaitForFirstConsumer: waiting for first consumer to be created before binding');
    await api(c, 'POST', '/api/v1/namespaces/vol/pods', { metadata: { name: 'user' }, spec: { containers: [{ name: 'c', image: 'nginx' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'later' } }] } });
    const pvc = await eventually('claim later Bound', async () => {
      const r = await api(c, 'GET', '/api/v1/namespaces/vol/persistentvolumeclaims/later');
      return r.json.status?.phase === 'Bound' ? r.json : undefined;
    });
    // the scheduler binds the pod once its claim is bound (VolumeBinding's PreBind)
    const pod = await eventually('pod user bound', async () => {
      const p = (await api(c, 'GET', '/api/v1/namespaces/vol/pods/user')).json;
      return p.spec?.nodeName ? p : undefined;
    });
    assert.equal(pvc.metadata.annotations['volume.kubernetes.io/selected-node'], pod.spec.nodeName);
    const pv = (await api(c, 'GET', `/api/v1/persistentvolumes/${pvc.spec.volumeName}`)).json;
    assert.deepEqual(pv.spec.nodeAffinity.required.nodeSelectorTerms, [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [pod.spec.nodeName] }] }]);
  });

  test('a pod whose claim is missing waits Unschedulable with upstream text, and is scheduled once the claim is bound', async () => {
    await api(c, 'POST', '/api/v1/namespaces/vol/pods', { metadata: { name: 'needs' }, spec: { containers: [{ name: 'c', image: 'nginx' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'absent' } }] } });
    const cond = await eventually('PodScheduled of pod needs', async () => (await api(c, 'GET', '/api/v1/namespaces/vol/pods/needs')).json.status?.conditions?.find((x: { type: string }) => x.type === 'PodScheduled'));
    assert.deepEqual([cond.status, cond.reason, cond.message], ['False', 'Unschedulable', '0/2 nodes are available: persistentvolumeclaim "absent" not found. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.']);
    const events = await c.k(['-n', 'vol', 'get', 'events', '--field-selector', 'involvedObject.name=needs,reason=FailedScheduling', '-o', 'jsonpath={.items[*].message}']);
    assert.match(events, /persistentvolumeclaim "absent" not found/);
    await api(c, 'POST', '/api/v1/namespaces/vol/persistentvolumeclaims', { metadata: { name: 'absent' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    const pod = await eventually('pod needs bound', async () => (await api(c, 'GET', '/api/v1/namespaces/vol/pods/needs')).json.spec?.nodeName ? (await api(c, 'GET', '/api/v1/namespaces/vol/pods/needs')).json : undefined);
    const claim = (await api(c, 'GET', '/api/v1/namespaces/vol/persistentvolumeclaims/absent')).json;
    assert.equal(claim.status.phase, 'Bound');
    assert.ok(pod.spec.nodeName);
  });

  test('a ReadWriteOncePod claim serves one pod: a second waits Unschedulable with upstream text until the first is gone', async () => {
    await api(c, 'POST', '/api/v1/namespaces/vol/persistentvolumeclaims', { metadata: { name: 'solo' }, spec: { accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '1Gi' } } } });
    const spec = { containers: [{ name: 'c', image: 'nginx' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'solo' } }] };
    await api(c, 'POST', '/api/v1/namespaces/vol/pods', { metadata: { name: 'first' }, spec });
    await eventually('pod first bound', async () => (await api(c, 'GET', '/api/v1/namespaces/vol/pods/first')).json.spec?.nodeName);
    await api(c, 'POST', '/api/v1/namespaces/vol/pods', { metadata: { name: 'second' }, spec });
    const cond = await eventually('PodScheduled of pod second', async () => (await api(c, 'GET', '/api/v1/namespaces/vol/pods/second')).json.status?.conditions?.find((x: { type: string }) => x.type === 'PodScheduled'));
    assert.deepEqual([cond.status, cond.reason, cond.message], ['False', 'Unschedulable', '0/2 nodes are available: 2 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.']);
    const events = await c.k(['-n', 'vol', 'get', 'events', '--field-selector', 'involvedObject.name=second,reason=FailedScheduling', '-o', 'jsonpath={.items[*].message}']);
    assert.match(events, /2 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode/);
    await c.k(['-n', 'vol', 'delete', 'pod', 'first', '--wait=true']);
    await eventually('pod second bound', async () => (await api(c, 'GET', '/api/v1/namespaces/vol/pods/second')).json.spec?.nodeName);
  });

  test("CSI volumes beyond a driver's attach limit (the node's CSINode) leave the pod Unschedulable until one is freed", async () => {
    const nodes: string[] = (await api(c, 'GET', '/api/v1/nodes')).json.items.map((n: { metadata: { name: string } }) => n.metadata.name);
    for (const n of nodes) {
      const r = await api(c, 'PATCH', `/apis/storage.k8s.io/v1/csinodes/${n}`, { spec: { drivers: [{ name: 'csi.example.com', nodeID: n, allocatable: { count: 1 } }] } }, { 'Content-Type': 'application/merge-patch+json' });
      assert.equal(r.status, 200, r.text);
    }
    for (const i of [1, 2, 3]) {
      await api(c, 'POST', '/api/v1/persistentvolumes', { metadata: { name: `attach-${i}` }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'attach', csi: { driver: 'csi.example.com', volumeHandle: `vol-${i}` } } });
      await api(c, 'POST', '/api/v1/namespaces/vol/persistentvolumeclaims', { metadata: { name: `attach-${i}` }, spec: { storageClassName: 'attach', volumeName: `attach-${i}`, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    }
    for (const i of [1, 2, 3]) await eventually(`claim attach-${i} Bound`, async () => (await api(c, 'GET', `/api/v1/namespaces/vol/persistentvolumeclaims/attach-${i}`)).json.status?.phase === 'Bound');
    const spec = (i: number) => ({ containers: [{ name: 'c', image: 'nginx' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: `attach-${i}` } }] });
    for (const i of [1, 2]) {
      await api(c, 'POST', '/api/v1/namespaces/vol/pods', { metadata: { name: `attach-${i}` }, spec: spec(i) });
      await eventually(`pod attach-${i} bound`, async () => (await api(c, 'GET', `/api/v1/namespaces/vol/pods/attach-${i}`)).json.spec?.nodeName);
    }
    await api(c, 'POST', '/api/v1/namespaces/vol/pods', { metadata: { name: 'attach-3' }, spec: spec(3) });
    const cond = await eventually('PodScheduled of pod attach-3', async () => (await api(c, 'GET', '/api/v1/namespaces/vol/pods/attach-3')).json.status?.conditions?.find((x: { type: string }) => x.type === 'PodScheduled'));
    assert.deepEqual([cond.status, cond.reason, cond.message], ['False', 'Unschedulable', '0/2 nodes are available: 2 node(s) exceed max volume count. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.']);
    const first = (await api(c, 'GET', '/api/v1/namespaces/vol/pods/attach-1')).json.spec.nodeName;
    await c.k(['-n', 'vol', 'delete', 'pod', 'attach-1', '--wait=true']);
    assert.equal(await eventually('pod attach-3 bound', async () => (await api(c, 'GET', '/api/v1/namespaces/vol/pods/attach-3')).json.spec?.nodeName), first);
    await c.k(['-n', 'vol', 'delete', 'pod', 'attach-2', 'attach-3', '--wait=true']);
    for (const n of nodes) await api(c, 'PATCH', `/apis/storage.k8s.io/v1/csinodes/${n}`, { spec: { drivers: null } }, { 'Content-Type': 'application/merge-patch+json' });
  });

  test('kubectl debug adds an ephemeral container through pods/ephemeralcontainers; the kubelet starts it; existing ones stay as they are', async () => {
    await api(c, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'dbg' }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } });
    await eventually('pod dbg running', async () => (await api(c, 'GET', '/api/v1/namespaces/default/pods/dbg')).json.status?.phase === 'Running');
    const r = await c.kubectl(['debug', 'dbg', '--image=busybox', '-c', 'debugger', '--profile=general']);
    assert.equal(r.code, 0, r.stderr);
    const sub = await api(c, 'GET', '/api/v1/namespaces/default/pods/dbg/ephemeralcontainers');
    assert.equal(sub.json.kind, 'Pod');
    const ec = sub.json.spec.ephemeralContainers;
    assert.deepEqual(ec.map((x: { name: string; image: string; imagePullPolicy: string; terminationMessagePath: string; resources: unknown }) => [x.name, x.image, x.imagePullPolicy, x.terminationMessagePath, x.resources]), [['debugger', 'busybox', 'Always', '/dev/termination-log', {}]]);
    // kubectl debug sets no field manager: its binary's name (kubectl.1.33 here) owns the container, through the subresource
    assert.ok(sub.json.metadata.managedFields.some((m: { manager: string; operation: string; subresource?: string }) => /^kubectl/.test(m.manager) && m.operation === 'Update' && m.subresource === 'ephemeralcontainers'), JSON.stringify(sub.json.metadata.managedFields));
    const status = await eventually('the debugger running', async () => (await api(c, 'GET', '/api/v1/namespaces/default/pods/dbg')).json.status?.ephemeralContainerStatuses?.[0]);
    assert.deepEqual([status.name, Object.keys(status.state), status.ready], ['debugger', ['running'], false]);
    // the kubelet's events for it name the ephemeral container's field path
    const events = await eventually('the debugger Started event', async () => {
      const out = await c.k(['-n', 'default', 'get', 'events', '--field-selector', 'involvedObject.name=dbg,involvedObject.fieldPath=spec.ephemeralContainers{debugger}', '-o', 'jsonpath={range .items[*]}{.reason}{"\\n"}{end}']);
      return out.includes('Started') ? out.trim().split('\n') : undefined;
    });
    assert.deepEqual(events, ['Pulling', 'Pulled', 'Created', 'Started']);
    const pod = (await api(c, 'GET', '/api/v1/namespaces/default/pods/dbg')).json;
    const put = async (containers: unknown[]) => api(c, 'PUT', '/api/v1/namespaces/default/pods/dbg/ephemeralcontainers', { ...pod, spec: { ...pod.spec, ephemeralContainers: containers } });
    const changed = await put([{ ...ec[0], image: 'alpine' }]);
    assert.equal(changed.status, 422);
    assert.equal(changed.json.message, 'Pod "dbg" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be changed');
    assert.equal((await put([])).json.message, 'Pod "dbg" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be removed');
    const ported = await put([ec[0], { name: 'web', image: 'busybox', ports: [{ containerPort: 80 }], targetContainerName: 'nope' }]);
    assert.deepEqual(ported.json.details.causes.map((x: { field: string; message: string }) => `${x.field}: ${x.message}`), ['spec.ephemeralContainers[1].ports: Forbidden: cannot be set for an Ephemeral Container', 'spec.ephemeralContainers[1].targetContainerName: Not found: "nope"']);
    // the main resource cannot add them, and the subresource changes nothing else
    const main = await api(c, 'PUT', '/api/v1/namespaces/default/pods/dbg', { ...pod, spec: { ...pod.spec, ephemeralContainers: [...ec, { name: 'more', image: 'busybox' }] } });
    assert.equal(main.status, 422);
    const labelled = await api(c, 'PATCH', '/api/v1/namespaces/default/pods/dbg/ephemeralcontainers', { metadata: { labels: { sneaky: 'yes' } }, spec: { ephemeralContainers: [ec[0], { name: 'second', image: 'busybox' }] } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(labelled.status, 200, labelled.text);
    assert.deepEqual([labelled.json.metadata.labels, labelled.json.spec.ephemeralContainers.map((x: { name: string }) => x.name)], [undefined, ['debugger', 'second']]);
  });

  test('a generic ephemeral volume gets its claim owned by the pod, provisioned on the node the scheduler chose', async () => {
    const template = { metadata: { labels: { kind: 'scratch' } }, spec: { storageClassName: 'lazy', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } } };
    const created = (await api(c, 'POST', '/api/v1/namespaces/vol/pods', { metadata: { name: 'eph' }, spec: { containers: [{ name: 'c', image: 'nginx' }], volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: template } }] } })).json;
    const pod = await eventually('pod eph bound', async () => {
      const p = (await api(c, 'GET', '/api/v1/namespaces/vol/pods/eph')).json;
      return p.spec?.nodeName ? p : undefined;
    });
    const claim = (await api(c, 'GET', '/api/v1/namespaces/vol/persistentvolumeclaims/eph-scratch')).json;
    assert.deepEqual(claim.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Pod', name: 'eph', uid: created.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(claim.metadata.labels, { kind: 'scratch' });
    assert.equal(claim.metadata.annotations['volume.kubernetes.io/selected-node'], pod.spec.nodeName);
    assert.equal(claim.status.phase, 'Bound');
    const pv = (await api(c, 'GET', `/api/v1/persistentvolumes/${claim.spec.volumeName}`)).json;
    assert.deepEqual(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values, [pod.spec.nodeName]);
  });

  test('a static volume binds by class, access modes, size and selector; with Retain it is Released when the claim goes', async () => {
    const pvSpec = (name: string, size: string, labels: Record<string, string>) => ({
      metadata: { name, labels },
      spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], storageClassName: 'manual', hostPath: { path: `/mnt/${name}` } },
    });
    await api(c, 'POST', '/api/v1/persistentvolumes', pvSpec('big', '10Gi', { tier: 'gold' }));
    await api(c, 'POST', '/api/v1/persistentvolumes', pvSpec('small', '2Gi', { tier: 'gold' }));
    await api(c, 'POST', '/api/v1/persistentvolumes', pvSpec('tiny', '1Gi', { tier: 'gold' }));
    await eventually('volume tiny Available', async () => (await api(c, 'GET', '/api/v1/persistentvolumes/tiny')).json.status?.phase === 'Available');
    await api(c, 'POST', '/api/v1/namespaces/vol/persistentvolumeclaims', {
      metadata: { name: 'static' },
      spec: { storageClassName: 'manual', accessModes: ['ReadOnlyMany'], selector: { matchLabels: { tier: 'gold' } }, resources: { requests: { storage: '1500Mi' } } },
    });
    const pvc = await eventually('claim static Bound', async () => {
      const r = await api(c, 'GET', '/api/v1/namespaces/vol/persistentvolumeclaims/static');
      return r.json.status?.phase === 'Bound' ? r.json : undefined;
    });
    assert.equal(pvc.spec.volumeName, 'small');
    assert.deepEqual(pvc.status.capacity, { storage: '2Gi' });
    const pv = (await api(c, 'GET', '/api/v1/persistentvolumes/small')).json;
    assert.equal(pv.metadata.annotations['pv.kubernetes.io/bound-by-controller'], 'yes');
    await c.k(['-n', 'vol', 'delete', 'pvc', 'static']);
    await eventually('volume small Released', async () => (await api(c, 'GET', '/api/v1/persistentvolumes/small')).json.status?.phase === 'Released');
    assert.equal((await api(c, 'GET', '/api/v1/persistentvolumes/big')).json.status.phase, 'Available');
  });

  test('a PDB with minAvailable reports its budget; eviction and kubectl drain are refused with upstream text while it allows none', async () => {
    await c.k(['create', 'namespace', 'pdb']);
    await c.k(['-n', 'pdb', 'create', 'deployment', 'guarded', '--image=nginx', '--replicas=2']);
    await c.k(['-n', 'pdb', 'rollout', 'status', 'deployment/guarded', '--timeout=30s']);
    await c.k(['-n', 'pdb', 'create', 'pdb', 'guard', '--selector=app=guarded', '--min-available=2']);
    const pdb = await eventually('the PDB observed', async () => {
      const r = await api(c, 'GET', '/apis/policy/v1/namespaces/pdb/poddisruptionbudgets/guard');
      return r.json.status?.observedGeneration === 1 ? r.json : undefined;
    });
    assert.deepEqual({ ...pdb.status, conditions: undefined }, { currentHealthy: 2, desiredHealthy: 2, expectedPods: 2, disruptionsAllowed: 0, observedGeneration: 1, conditions: undefined });
    const cond = pdb.status.conditions[0];
    assert.deepEqual([cond.type, cond.status, cond.reason, cond.message, cond.observedGeneration], ['DisruptionAllowed', 'False', 'InsufficientPods', '', 1]);
    const table = await c.k(['-n', 'pdb', 'get', 'pdb']);
    assert.deepEqual(rows(table).map((r) => r.slice(0, 4)), [['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS'], ['guard', '2', 'N/A', '0']]);
    const pods = (await api(c, 'GET', '/api/v1/namespaces/pdb/pods?labelSelector=app%3Dguarded')).json.items;
    const pod = pods[0];
    const r = await api(c, 'POST', `/api/v1/namespaces/pdb/pods/${pod.metadata.name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod.metadata.name, namespace: 'pdb' } });
    assert.equal(r.status, 429);
    assert.equal(r.json.reason, 'TooManyRequests');
    assert.equal(r.json.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.deepEqual(r.json.details.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget guard needs 2 healthy pods and has 2 currently' }]);
    const drain = await c.kubectl(['drain', pod.spec.nodeName, '--pod-selector=app=guarded', '--timeout=3s']);
    assert.notEqual(drain.code, 0);
    assert.ok(drain.stderr.includes(`error when evicting pods/"${pod.metadata.name}" -n "pdb" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`), drain.stderr);
    await c.k(['uncordon', pod.spec.nodeName]);
    // a looser budget allows one disruption, and the eviction goes through
    await c.k(['-n', 'pdb', 'patch', 'pdb', 'guard', '--type=merge', '-p', '{"spec":{"minAvailable":1}}']);
    await eventually('one disruption allowed', async () => (await api(c, 'GET', '/apis/policy/v1/namespaces/pdb/poddisruptionbudgets/guard')).json.status?.disruptionsAllowed === 1);
    const ok = await api(c, 'POST', `/api/v1/namespaces/pdb/pods/${pod.metadata.name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod.metadata.name, namespace: 'pdb' } });
    assert.equal(ok.status, 201);
    // the replacement pod restores the budget: two healthy, one disruption allowed, the condition True
    const after = await eventually('two healthy pods', async () => {
      const p = (await api(c, 'GET', '/apis/policy/v1/namespaces/pdb/poddisruptionbudgets/guard')).json;
      return p.status.currentHealthy === 2 && p.status.conditions[0].status === 'True' ? p : undefined;
    });
    assert.deepEqual([after.status.desiredHealthy, after.status.disruptionsAllowed, after.status.observedGeneration, after.status.conditions[0].reason], [1, 1, 2, 'SufficientPods']);
    assert.equal(after.status.disruptedPods, undefined);
  });

  test('a pod bound to a node that is deleted is marked Failed and collected', async () => {
    await c.k(['create', 'namespace', 'gc']);
    await api(c, 'POST', '/api/v1/nodes', { metadata: { name: 'ghost' } });
    const created = await api(c, 'POST', '/api/v1/namespaces/gc/pods', { metadata: { name: 'stranded' }, spec: { nodeName: 'ghost', containers: [{ name: 'c', image: 'nginx' }] } });
    assert.equal(created.status, 201);
    const w = await c.k(['-n', 'gc', 'get', 'pod', 'stranded', '-o', 'jsonpath={.spec.nodeName}']);
    assert.equal(w, 'ghost');
    const w8 = watch(c, `/api/v1/namespaces/gc/pods?watch=1&fieldSelector=metadata.name%3Dstranded&resourceVersion=${created.json.metadata.resourceVersion}`);
    await w8.gotHeaders;
    await c.k(['delete', 'node', 'ghost']);
    await w8.waitFor((evs) => evs.some((e) => e.type === 'DELETED'), 15_000);
    w8.close();
    const failed = w8.events.find((e) => e.type === 'MODIFIED' && e.object.status?.phase === 'Failed');
    assert.ok(failed, JSON.stringify(w8.events.map((e) => e.type)));
    const cond = failed.object.status.conditions.find((x: { type: string }) => x.type === 'DisruptionTarget');
    assert.deepEqual([cond.status, cond.reason, cond.message], ['True', 'DeletionByPodGC', 'PodGC: node no longer exists']);
    assert.equal((await api(c, 'GET', '/api/v1/namespaces/gc/pods/stranded')).status, 404);
  });

  test('a NotReady node gets the not-ready taints; pods are evicted once their tolerationSeconds pass, untolerated NoExecute taints at once', async () => {
    await c.k(['create', 'namespace', 'sick']);
    // registered with its status, as a kubelet registers
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const st = await api(c, 'POST', '/api/v1/nodes', { metadata: { name: 'sick' }, status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down', lastHeartbeatTime: now, lastTransitionTime: now }] } });
    assert.equal(st.status, 201);
    const tainted = await eventually('two not-ready taints', async () => {
      const n = (await api(c, 'GET', '/api/v1/nodes/sick')).json;
      return (n.spec.taints ?? []).length === 2 ? n : undefined;
    });
    assert.deepEqual(tainted.spec.taints.map((t: { key: string; effect: string; timeAdded?: string }) => [t.key, t.effect, !!t.timeAdded]), [
      ['node.kubernetes.io/not-ready', 'NoSchedule', false],
      ['node.kubernetes.io/not-ready', 'NoExecute', true],
    ]);
    const pod = (name: string, tolerations?: unknown[]) => api(c, 'POST', '/api/v1/namespaces/sick/pods', { metadata: { name }, spec: { nodeName: 'sick', tolerations, containers: [{ name: 'c', image: 'nginx' }] } });
    // timed from before the create: the second of toleration starts when the controller sees the pod
    const started = Date.now();
    await pod('short', [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 }]);
    const patient = (await pod('patient')).json;
    assert.deepEqual(patient.spec.tolerations.map((t: { key: string; tolerationSeconds: number }) => [t.key, t.tolerationSeconds]), [
      ['node.kubernetes.io/not-ready', 300],
      ['node.kubernetes.io/unreachable', 300],
    ]);
    const w = watch(c, `/api/v1/namespaces/sick/pods?watch=1&fieldSelector=metadata.name%3Dshort&resourceVersion=${patient.metadata.resourceVersion}`);
    await w.gotHeaders;
    await w.waitFor((evs) => evs.some((e) => e.type === 'DELETED'), 15_000);
    w.close();
    assert.ok(Date.now() - started >= 1000, `evicted after ${Date.now() - started} ms, before its tolerationSeconds`);
    const marked = w.events.find((e) => (e.object.status?.conditions ?? []).some((x: { type: string }) => x.type === 'DisruptionTarget'));
    const cond = marked!.object.status.conditions.find((x: { type: string }) => x.type === 'DisruptionTarget');
    assert.deepEqual([cond.status, cond.reason, cond.message], ['True', 'DeletionByTaintManager', 'Taint manager: deleting due to NoExecute taint']);
    assert.equal((await api(c, 'GET', '/api/v1/namespaces/sick/pods/patient')).status, 200);
    // a NoExecute taint nothing tolerates evicts at once; the node turning Ready drops the not-ready taints
    await c.k(['taint', 'node', 'sick', 'example.com/bad=x:NoExecute']);
    await eventually('pod patient evicted', async () => (await api(c, 'GET', '/api/v1/namespaces/sick/pods/patient')).status === 404, 5_000);
    const cur = (await api(c, 'GET', '/api/v1/nodes/sick')).json;
    await api(c, 'PUT', '/api/v1/nodes/sick/status', { ...cur, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }] } });
    const healed = await eventually('one taint left', async () => {
      const n = (await api(c, 'GET', '/api/v1/nodes/sick')).json;
      return (n.spec.taints ?? []).length === 1 ? n : undefined;
    });
    assert.deepEqual(healed.spec.taints.map((t: { key: string; effect: string }) => [t.key, t.effect]), [['example.com/bad', 'NoExecute']]);
  });
});

describe('node lifecycle: master disruption mode', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ name: 'solo', controllers: '*', nodes: 1 });
  });
  after(() => c?.cleanup());

  test('when every node is not ready nothing is evicted (no NoExecute taints); a ready node coming back lets the taints in', async () => {
    await eventually('node solo-control-plane', async () => (await api(c, 'GET', '/api/v1/nodes/solo-control-plane')).status === 200);
    const setReady = async (name: string, status: string) => {
      const cur = (await api(c, 'GET', `/api/v1/nodes/${name}`)).json;
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const conditions = (cur.status?.conditions ?? []).filter((x: { type: string }) => x.type !== 'Ready').concat([{ type: 'Ready', status, reason: status === 'True' ? 'KubeletReady' : 'KubeletNotReady', message: 'set by the test', lastHeartbeatTime: now, lastTransitionTime: now }]);
      assert.equal((await api(c, 'PUT', `/api/v1/nodes/${name}/status`, { ...cur, status: { ...cur.status, conditions } })).status, 200);
    };
    const taints = async (name: string) => ((await api(c, 'GET', `/api/v1/nodes/${name}`)).json.spec.taints ?? []).map((t: { key: string; effect: string }) => `${t.key}:${t.effect}`);
    await setReady('solo-control-plane', 'False');
    const noSchedule = await eventually('a NoSchedule taint', async () => {
      const t = await taints('solo-control-plane');
      return t.length ? t : undefined;
    });
    assert.deepEqual(noSchedule, ['node.kubernetes.io/not-ready:NoSchedule']);
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const created = await api(c, 'POST', '/api/v1/nodes', { metadata: { name: 'helper' }, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }] } });
    assert.equal(created.status, 201);
    const both = await eventually('both taints', async () => {
      const t = await taints('solo-control-plane');
      return t.length === 2 ? t : undefined;
    });
    assert.deepEqual(both, ['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute']);
    // the helper leaves: every zone is fully disrupted again and the NoExecute taint is taken back
    assert.equal((await api(c, 'DELETE', '/api/v1/nodes/helper')).status, 200);
    await eventually('one taint after the node is back', async () => ((await taints('solo-control-plane')).length === 1 ? true : undefined));
  });
});

