// The scheduler's default profile on three simulated nodes, driven through real kubectl: scores (preferred
// node affinity, preferred pod anti-affinity), PodTopologySpread filtering with upstream's FailedScheduling
// text, and preemption of a lower-priority pod.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { spawnKubectl, startTestCluster, type TestCluster } from '../testing/harness.js';
import { eventually } from '../testing/eventually.js';

const NODES = ['sc-control-plane', 'sc-worker', 'sc-worker2'];

describe('scheduler scoring, topology spread and preemption', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ name: 'sc', controllers: '*', nodes: 3 });
    await eventually('three Ready nodes', async () => (await c.k(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}'])).trim().split('\n').filter((s) => s === 'True').length === 3);
  });
  after(() => c?.cleanup());

  const apply = (ns: string, ...objs: object[]) => c.k(['apply', '-n', ns, '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objs }) });
  const pod = (name: string, labels: Record<string, string>, spec: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } });
  const get = async (ns: string, name: string) => JSON.parse(await c.k(['get', 'pod', '-n', ns, name, '-o', 'json']));
  const nodeOf = (ns: string, name: string) => eventually(`${name} bound`, async () => (await get(ns, name)).spec.nodeName as string | undefined);
  const events = async (ns: string, name: string, reason: string) => (await c.k(['get', 'events', '-n', ns, '--field-selector', `involvedObject.name=${name},reason=${reason}`, '-o', 'json'])).trim();
  const notes = async (ns: string, name: string, reason: string) => (JSON.parse(await events(ns, name, reason)).items as { message: string }[]).map((e) => e.message);

  test('preferred node affinity puts every pod on the preferred node', async () => {
    await c.k(['create', 'namespace', 'pref']);
    await c.k(['label', 'node', 'sc-worker2', 'disk=ssd']);
    const affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } }] } };
    for (const n of ['a', 'b', 'c']) {
      await apply('pref', pod(`pref-${n}`, { app: 'pref' }, { affinity }));
      assert.equal(await nodeOf('pref', `pref-${n}`), 'sc-worker2');
    }
    await c.k(['delete', 'namespace', 'pref', '--wait=true', '--timeout=60s']);
  });

  test('preferred pod anti-affinity spreads pods over the three nodes', async () => {
    await c.k(['create', 'namespace', 'anti']);
    const affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'anti' } }, topologyKey: 'kubernetes.io/hostname' } }] } };
    const placed: string[] = [];
    for (const n of ['a', 'b', 'c']) {
      await apply('anti', pod(`anti-${n}`, { app: 'anti' }, { affinity }));
      placed.push(await nodeOf('anti', `anti-${n}`));
    }
    assert.deepEqual([...placed].sort(), NODES);
    await c.k(['delete', 'namespace', 'anti', '--wait=true', '--timeout=60s']);
  });

  test("a Deployment's replicas spread one per node by the system default topology spread constraints", async () => {
    await c.k(['create', 'namespace', 'dflt']);
    await c.k(['-n', 'dflt', 'create', 'deployment', 'web', '--image=nginx', '--replicas=3']);
    await c.k(['-n', 'dflt', 'rollout', 'status', 'deployment/web', '--timeout=60s']);
    const placed = (await c.k(['get', 'pods', '-n', 'dflt', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.spec.nodeName}{"\\n"}{end}'])).trim().split('\n');
    assert.deepEqual(placed.sort(), NODES);
    await c.k(['delete', 'namespace', 'dflt', '--wait=true', '--timeout=60s']);
  });

  test('topology spread DoNotSchedule leaves the pod beyond maxSkew Pending with the scheduler\'s reasons', async () => {
    await c.k(['create', 'namespace', 'ts']);
    await c.k(['label', 'node', 'sc-control-plane', 'sc-worker', 'pool=spread']);
    // nodeAffinityPolicy Ignore: the third node counts as an empty domain although the pods may not go there
    const spec = {
      nodeSelector: { pool: 'spread' },
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'ts' } }, nodeAffinityPolicy: 'Ignore' }],
    };
    const placed: string[] = [];
    for (const n of ['a', 'b']) {
      await apply('ts', pod(`ts-${n}`, { app: 'ts' }, spec));
      placed.push(await nodeOf('ts', `ts-${n}`));
    }
    assert.deepEqual(placed.sort(), ['sc-control-plane', 'sc-worker']);
    await apply('ts', pod('ts-c', { app: 'ts' }, spec));
    const message = "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 node(s) didn't match pod topology spread constraints. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.";
    const cond = await eventually('PodScheduled=False', async () => ((await get('ts', 'ts-c')).status.conditions ?? []).find((x: { type: string }) => x.type === 'PodScheduled'));
    assert.deepEqual({ status: cond.status, reason: cond.reason, message: cond.message }, { status: 'False', reason: 'Unschedulable', message });
    assert.deepEqual(await eventually('FailedScheduling', async () => (await notes('ts', 'ts-c', 'FailedScheduling')).length > 0 && notes('ts', 'ts-c', 'FailedScheduling')), [message]);
    assert.equal((await get('ts', 'ts-c')).status.phase, 'Pending');

    const zoned = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'zoned' } } }] };
    await apply('ts', pod('zoned', { app: 'zoned' }, zoned));
    const missing = "0/3 nodes are available: 3 node(s) didn't match pod topology spread constraints (missing required label). preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    assert.deepEqual(await eventually('FailedScheduling', async () => (await notes('ts', 'zoned', 'FailedScheduling')).length > 0 && notes('ts', 'zoned', 'FailedScheduling')), [missing]);
    await c.k(['delete', 'namespace', 'ts', '--wait=true', '--timeout=60s']);
  });

  test('a higher-priority pod preempts a lower-priority one on the node it needs', async () => {
    await c.k(['create', 'namespace', 'pre']);
    await c.k(['create', 'priorityclass', 'low', '--value=100']);
    await c.k(['create', 'priorityclass', 'high', '--value=1000']);
    const cpu = (await c.k(['get', 'node', 'sc-worker', '-o', 'jsonpath={.status.allocatable.cpu}'])).trim();
    const spec = (priorityClassName: string) => ({ priorityClassName, nodeSelector: { 'kubernetes.io/hostname': 'sc-worker' }, containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu } } }] });
    await apply('pre', pod('victim', { app: 'victim' }, spec('low')));
    assert.equal(await nodeOf('pre', 'victim'), 'sc-worker');
    const victimUid = (await get('pre', 'victim')).metadata.uid;
    const watch = spawnKubectl(c.kubeconfigPath, join(c.tmp, 'kubecache'), ['get', 'pod', '-n', 'pre', 'victim', '-w', '-o', 'json']);
    await watch.waitFor(/"name": "victim"/);
    await apply('pre', pod('preemptor', { app: 'preemptor' }, spec('high')));
    await watch.waitFor(/"reason": "PreemptionByScheduler"[^]*\n\}\n/);
    const seen = watch.output();
    await watch.stop();
    const withCondition = seen.split(/\n(?=\{)/).flatMap((o) => {
        try {
          return [JSON.parse(o)];
        } catch {
          return []; // the watch's last object may be cut short
        }
      })
      .find((o) => (o.status.conditions ?? []).some((x: { type: string }) => x.type === 'DisruptionTarget'));
    // the condition joins the pod's others (a strategic merge on type)
    assert.ok(['PodScheduled', 'Ready', 'DisruptionTarget'].every((t) => withCondition.status.conditions.some((x: { type: string }) => x.type === t)), JSON.stringify(withCondition.status.conditions));
    const disruption = withCondition.status.conditions.find((x: { type: string }) => x.type === 'DisruptionTarget');
    assert.deepEqual({ ...disruption, lastTransitionTime: undefined }, { type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: undefined, reason: 'PreemptionByScheduler', message: 'default-scheduler: preempting to accommodate a higher priority pod' });
    const preemptor = await get('pre', 'preemptor');
    assert.equal(preemptor.spec.priority, 1000);
    assert.equal(await nodeOf('pre', 'preemptor'), 'sc-worker');
    const gone = await c.kubectl(['get', 'pod', '-n', 'pre', 'victim']);
    assert.equal(gone.stderr.trim(), 'Error from server (NotFound): pods "victim" not found');
    const preempted = JSON.parse(await events('pre', 'victim', 'Preempted')).items;
    assert.equal(preempted.length, 1);
    assert.deepEqual({ type: preempted[0].type, message: preempted[0].message, uid: preempted[0].involvedObject.uid, source: preempted[0].reportingComponent }, { type: 'Normal', message: `Preempted by pod ${preemptor.metadata.uid} on node sc-worker`, uid: victimUid, source: 'default-scheduler' });
    // the first attempt nominates the node; one made while the victim still terminates waits for it
    const failed = await notes('pre', 'preemptor', 'FailedScheduling');
    const fit = "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector.";
    assert.ok(failed.includes(fit), failed.join('\n'));
    for (const m of failed) assert.ok([fit, `${fit} preemption: not eligible due to a terminating pod on the nominated node.`].includes(m), m);
    const scheduled = await notes('pre', 'preemptor', 'Scheduled');
    assert.deepEqual(scheduled, ['Successfully assigned pre/preemptor to sc-worker']);
  });
});
