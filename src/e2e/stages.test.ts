// kwok Stages (--stages): failure stages drive the pods and nodes they select, seen through real kubectl.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestCluster, TESTDATA, type TestCluster } from '../testing/harness.js';
import { BIN } from '../testing/cli.js';
import { startCluster, StartupError } from '../server/index.js';
import { eventually } from '../testing/eventually.js';

/** kubectl's table as rows of cells. */
const rows = (out: string) =>
  out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));

const STAGES = join(TESTDATA, 'stages');
const EVENT_COLUMNS = 'custom-columns=TYPE:.type,REASON:.reason,FROM:.source.component,MESSAGE:.message';

describe('failure stages (--stages with a directory of stage files)', () => {
  let c: TestCluster;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'minikapi-stages-'));
    for (const f of ['crashloopbackoff.yaml', 'imagepullbackoff.yaml', 'node-not-ready.yaml']) copyFileSync(join(STAGES, f), join(dir, f));
    c = await startTestCluster({ controllers: '*', nodes: 2, stages: dir });
  });
  after(async () => {
    await c?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a pod the CrashLoopBackOff stages select shows STATUS CrashLoopBackOff with RESTARTS rising, BackOff events and Ready False; other pods run', async () => {
    await c.k(['run', 'crash', '--image=busybox', '--labels=crashloop.stage.minikapi.dev=true']);
    await c.k(['run', 'fine', '--image=nginx']);
    const seen: number[] = [];
    await eventually('CrashLoopBackOff', async () => {
      const r = rows(await c.k(['get', 'pod', 'crash']));
      assert.deepEqual(r[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
      if (r[1][2] !== 'CrashLoopBackOff') return false;
      assert.deepEqual(r[1].slice(0, 3), ['crash', '0/1', 'CrashLoopBackOff']);
      const m = /^(\d+) \((\d+)s ago\)$/.exec(r[1][3]);
      assert.ok(m, `RESTARTS ${r[1][3]}`);
      if (seen.at(-1) !== Number(m[1])) seen.push(Number(m[1]));
      return seen.length >= 2;
    });
    assert.ok(seen[1] > seen[0], `restarts ${seen.join(' → ')}`);
    const fine = rows(await c.k(['get', 'pod', 'fine']));
    assert.deepEqual(fine[1].slice(0, 4), ['fine', '1/1', 'Running', '0']);

    const uid = (await c.k(['get', 'pod', 'crash', '-o', 'jsonpath={.metadata.uid}'])).trim();
    const events = rows(await c.k(['get', 'events', '--field-selector', 'involvedObject.name=crash,reason=BackOff', '-o', EVENT_COLUMNS]));
    assert.deepEqual(events[0], ['TYPE', 'REASON', 'FROM', 'MESSAGE']);
    assert.deepEqual(events.slice(1), [['Warning', 'BackOff', 'kubelet', `Back-off restarting failed container crash in pod crash_default(${uid})`]]);
    const describe = await c.k(['describe', 'pod', 'crash']);
    // repeats are counted on one event, as the kubelet's recorder does
    assert.match(describe, new RegExp(`\\n {2}Warning {2}BackOff +\\S+ \\(x[2-9] over \\S+\\) +kubelet +Back-off restarting failed container crash in pod crash_default\\(${uid}\\)\\n`));
    assert.ok(describe.includes('\n    Last State:     Terminated\n      Reason:       Error\n      Exit Code:    1\n'), describe);

    const waiting = await eventually('the container waiting', async () => {
      const p = JSON.parse(await c.k(['get', 'pod', 'crash', '-o', 'json']));
      return p.status.containerStatuses[0].state.waiting ? p : undefined;
    });
    const cs = waiting.status.containerStatuses[0];
    assert.equal(cs.state.waiting.reason, 'CrashLoopBackOff');
    // the back-off doubles from 10 s up to 5 minutes, in Go's duration format; a loaded machine reaches further
    assert.match(cs.state.waiting.message, new RegExp(`^back-off (10s|20s|40s|1m20s|2m40s|5m0s) restarting failed container=crash pod=crash_default\\(${uid}\\)$`));
    assert.deepEqual([cs.ready, cs.started, cs.lastState.terminated.exitCode, cs.lastState.terminated.reason], [false, false, 1, 'Error']);
    const ready = waiting.status.conditions.find((x: { type: string }) => x.type === 'Ready');
    assert.deepEqual([ready.status, ready.reason, ready.message], ['False', 'ContainersNotReady', 'containers with unready status: [crash]']);
    assert.equal(waiting.status.phase, 'Running');
  });

  test('a pod the ImagePullBackOff stages select alternates ErrImagePull and ImagePullBackOff with the kubelet\'s events', async () => {
    await c.k(['run', 'pull', '--image=nginx:doesnotexist', '--labels=imagepull.stage.minikapi.dev=true']);
    const statuses = new Set<string>();
    await eventually('the image pull stages', async () => {
      const r = rows(await c.k(['get', 'pod', 'pull']));
      assert.deepEqual(r[1].slice(0, 2), ['pull', '0/1']);
      assert.equal(r[1][3], '0');
      statuses.add(r[1][2]);
      return statuses.has('ErrImagePull') && statuses.has('ImagePullBackOff');
    });
    assert.deepEqual([...statuses].filter((s) => s !== 'Pending' && s !== 'ContainerCreating').sort(), ['ErrImagePull', 'ImagePullBackOff']);
    const ref = 'docker.io/library/nginx:doesnotexist';
    const events = rows(await c.k(['get', 'events', '--field-selector', 'involvedObject.name=pull,source=kubelet', '-o', EVENT_COLUMNS]));
    const distinct = [...new Map(events.slice(1).map((e) => [e.join('|'), e])).values()];
    const key = (e: string[]) => e.join('|');
    assert.deepEqual(distinct.sort((a, b) => key(a).localeCompare(key(b))), [
      ['Normal', 'Pulling', 'kubelet', 'Pulling image "nginx:doesnotexist"'],
      ['Warning', 'Failed', 'kubelet', `Failed to pull image "nginx:doesnotexist": rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`],
      ['Warning', 'Failed', 'kubelet', 'Error: ErrImagePull'],
      ['Normal', 'BackOff', 'kubelet', 'Back-off pulling image "nginx:doesnotexist"'],
      ['Warning', 'Failed', 'kubelet', 'Error: ImagePullBackOff'],
    ].sort((a, b) => key(a).localeCompare(key(b))));
    const p = JSON.parse(await c.k(['get', 'pod', 'pull', '-o', 'json']));
    assert.equal(p.status.phase, 'Pending');
    assert.match(p.status.podIP, /^10\.244\.\d+\.\d+$/);
  });

  test('a node the NotReady stage selects turns NotReady after the delay its annotation gives, and node-lifecycle taints it', async () => {
    const before = rows(await c.k(['get', 'nodes']));
    assert.deepEqual(before.map((r) => r.slice(0, 3)), [
      ['NAME', 'STATUS', 'ROLES'],
      ['minikapi-control-plane', 'Ready', 'control-plane'],
      ['minikapi-worker', 'Ready', '<none>'],
    ]);
    await c.k(['annotate', 'node', 'minikapi-worker', 'node-not-ready.stage.minikapi.dev/delay=1s']);
    const labelled = Date.now();
    await c.k(['label', 'node', 'minikapi-worker', 'node-not-ready.stage.minikapi.dev=true']);
    await eventually('the worker NotReady', async () => rows(await c.k(['get', 'nodes']))[2][1] === 'NotReady');
    assert.ok(Date.now() - labelled >= 900, `NotReady after ${Date.now() - labelled} ms`);
    assert.deepEqual(rows(await c.k(['get', 'nodes'])).map((r) => r.slice(0, 2)), [
      ['NAME', 'STATUS'],
      ['minikapi-control-plane', 'Ready'],
      ['minikapi-worker', 'NotReady'],
    ]);
    const taints = await eventually('two not-ready taints', async () => {
      const out = await c.k(['get', 'node', 'minikapi-worker', '-o', 'jsonpath={range .spec.taints[*]}{.key}={.effect}{"\\n"}{end}']);
      return out.trim().split('\n').length === 2 ? out : undefined;
    });
    assert.equal(taints, 'node.kubernetes.io/not-ready=NoSchedule\nnode.kubernetes.io/not-ready=NoExecute\n');
    const ready = (await c.k(['get', 'node', 'minikapi-worker', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].reason}: {.status.conditions[?(@.type=="Ready")].message}'])).trim();
    assert.equal(ready, 'KubeletNotReady: container runtime is down');
    const events = rows(await c.k(['get', 'events', '-n', 'default', '--field-selector', 'involvedObject.kind=Node,reason=NodeNotReady,source=kubelet', '-o', EVENT_COLUMNS]));
    assert.deepEqual(events.slice(1), [['Normal', 'NodeNotReady', 'kubelet', 'Node minikapi-worker status is now: NodeNotReady']]);
  });
});

describe("kwok's default lifecycle as stages", () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ controllers: '*', nodes: 1, stages: join(STAGES, 'kwok-default.yaml') });
  });
  after(async () => c?.cleanup());

  test('the node is initialised by node-initialize; pods start, Job pods complete and deleted pods go, all by stages', async () => {
    const node = await eventually('the node Running by node-initialize', async () => {
      const n = JSON.parse(await c.k(['get', 'node', 'minikapi-control-plane', '-o', 'json']));
      return n.status.phase === 'Running' ? n : undefined;
    });
    assert.match(node.status.nodeInfo.kubeletVersion, /^kwok-v1\.33\.\d+/);
    assert.deepEqual(node.status.conditions.map((x: { type: string; status: string }) => `${x.type}=${x.status}`), ['Ready=True', 'MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'NetworkUnavailable=False']);
    assert.deepEqual(node.status.addresses, [{ type: 'InternalIP', address: '172.18.0.2' }, { type: 'Hostname', address: 'minikapi-control-plane' }]);
    await c.k(['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
    await c.k(['rollout', 'status', 'deployment/web', '--timeout=30s']);
    await c.k(['create', 'job', 'once', '--image=busybox']);
    await c.k(['wait', '--for=condition=complete', 'job/once', '--timeout=30s']);
    const pods = rows(await c.k(['get', 'pods', '-l', 'app=web']));
    assert.deepEqual(pods.slice(1).map((r) => r.slice(1, 4)), [
      ['1/1', 'Running', '0'],
      ['1/1', 'Running', '0'],
    ]);
    await c.k(['delete', 'pod', '-l', 'app=web', '--wait=true', '--timeout=30s']);
  });
});

describe('patches, finalizers and events of a stage', () => {
  let c: TestCluster;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'minikapi-stagepatch-'));
    const head = (name: string) => `apiVersion: kwok.x-k8s.io/v1alpha1\nkind: Stage\nmetadata:\n  name: ${name}\nspec:\n  resourceRef:\n    kind: Pod\n`;
    writeFileSync(
      join(dir, 'hold.yaml'),
      `${head('hold')}  selector:
    matchLabels: { mark: me }
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: DoesNotExist
    - key: '.metadata.annotations["stage.example/node"]'
      operator: DoesNotExist
  next:
    finalizers:
      add: [{ value: example.com/hold }]
    patches:
    - type: merge
      template: |
        metadata:
          annotations:
            stage.example/node: {{ .spec.nodeName | Quote }}
    - type: json
      subresource: status
      root: status
      template: |
        - op: add
          path: /phase
          value: Running
---
${head('release')}  selector:
    matchLabels: { mark: me }
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: Exists
  next:
    event: { type: Normal, reason: Released, message: 'released {{ .metadata.name }} from {{ index .metadata.finalizers 0 }}' }
    finalizers:
      remove: [{ value: example.com/hold }]
`,
    );
    c = await startTestCluster({ controllers: '*', nodes: 1, stages: dir });
  });
  after(async () => {
    await c?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a merge patch of the object, a JSON patch of its status and an added finalizer; on deletion the finalizer goes and the pod with it', async () => {
    await c.k(['run', 'held', '--image=nginx', '--labels=mark=me']);
    const p = await eventually('the pod Running with its finalizer', async () => {
      const o = JSON.parse(await c.k(['get', 'pod', 'held', '-o', 'json']));
      return o.status.phase === 'Running' && o.metadata.finalizers ? o : undefined;
    });
    assert.deepEqual([p.metadata.annotations, p.metadata.finalizers], [{ 'stage.example/node': 'minikapi-control-plane' }, ['example.com/hold']]);
    // no stage matches it now, yet the built-in kubelet leaves it alone: no pod IP, no container statuses
    assert.deepEqual([p.status.podIP, p.status.containerStatuses], [undefined, undefined]);
    await c.k(['delete', 'pod', 'held', '--timeout=20s']);
    assert.equal((await c.kubectl(['get', 'pod', 'held'])).stderr, 'Error from server (NotFound): pods "held" not found\n');
    const events = rows(await c.k(['get', 'events', '--field-selector', 'reason=Released', '-o', EVENT_COLUMNS]));
    assert.deepEqual(events.slice(1), [['Normal', 'Released', 'kubelet', 'released held from example.com/hold']]);
  });
});

describe('invalid stage files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'minikapi-badstages-'));
    mkdirSync(join(dir, 'data'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const bad = (name: string, body: string) => {
    const f = join(dir, name);
    writeFileSync(f, body);
    return f;
  };
  const stage = (spec: string) => `apiVersion: kwok.x-k8s.io/v1alpha1\nkind: Stage\nmetadata:\n  name: broken\nspec:\n${spec}`;

  test('start-up refuses a template calling an unknown function, naming file, line, column and stage', async () => {
    const f = bad('fn.yaml', stage('  resourceRef:\n    kind: Pod\n  selector: {}\n  next:\n    statusTemplate: |\n      phase: Running\n      podIP: {{ PodAddress .spec.nodeName | Quote }}\n'));
    await assert.rejects(startCluster({ port: 0, storage: 'memory', dataDir: join(dir, 'data'), stages: f }), (e: Error) => {
      assert.ok(e instanceof StartupError);
      assert.equal(e.message, `${f}:12:17: function "PodAddress" not defined (stage "broken", spec.next.statusTemplate)`);
      return true;
    });
  });

  test('start-up refuses unsupported kinds, operators, bad jq and unknown fields with the field path', async () => {
    const cases: [string, string][] = [
      ['  resourceRef:\n    kind: Service\n', 'spec.resourceRef: Unsupported value: "v1, Kind=Service": minikapi simulates "v1, Kind=Pod" and "v1, Kind=Node"'],
      ['  resourceRef:\n    kind: Pod\n  selector:\n    matchExpressions:\n    - key: .status.phase\n      operator: Equals\n      values: [Running]\n', 'spec.selector.matchExpressions[0].operator: Unsupported value: "Equals": supported values: "In", "NotIn", "Exists", "DoesNotExist"'],
      ['  resourceRef:\n    kind: Pod\n  selector:\n    matchExpressions:\n    - key: .status.phase\n      operator: In\n', "spec.selector.matchExpressions[0].values: for 'in', 'notin' operators, values set can't be empty"],
      ['  resourceRef:\n    kind: Pod\n  selector:\n    matchExpressions:\n    - key: \'.status.conditions[\'\n      operator: Exists\n', 'spec.selector.matchExpressions[0].key: invalid jq expression ".status.conditions[": unexpected end of expression at column 20'],
      ['  resourceRef:\n    kind: Node\n  nxt: {}\n', 'spec.nxt: unknown field'],
    ];
    for (const [i, [spec, msg]] of cases.entries()) {
      const f = bad(`case${i}.yaml`, stage(spec));
      await assert.rejects(startCluster({ port: 0, storage: 'memory', dataDir: join(dir, 'data'), stages: f }), { message: `${f}: document 1: stage "broken": ${msg}` });
    }
  });

  test('minikapi up --stages with a bad file prints one line and exits 1', async () => {
    const f = bad('up.yaml', stage('  resourceRef:\n    kind: Pod\n  selector: {}\n  next:\n    statusTemplate: |\n      {{ if .status }}\n      phase: Running\n'));
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'up', '--data-dir', join(dir, 'up'), '--port', '0', '--storage', 'memory', '--stages', f], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('exit', (code) => resolve({ code, out }));
    });
    assert.equal(r.code, 1);
    assert.equal(r.out, `minikapi: ${f}: document 1: stage "broken": spec.next.statusTemplate: unexpected EOF: {{if}} is not closed by {{end}}\n`);
  });
});
