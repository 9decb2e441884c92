// horizontalpodautoscaling (issue 10) through real kubectl: kubectl autoscale, pods reporting usage through
// metrics.k8s.io (minikapi.dev/cpu-usage), the HPA scaling the Deployment up and down with upstream's status,
// conditions, events and kubectl get hpa columns; behavior policies; a missing target and missing metrics.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, table, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const deployment = (ns: string, name: string, replicas = 1) =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } },
    },
  });

describe('horizontalpodautoscaling', () => {
  let c: TestCluster;
  const hpa = async (ns: string, name: string): Promise<Obj> => (await api(c, 'GET', `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers/${name}`)).json;
  const replicas = async (ns: string, name: string): Promise<number> => (await api(c, 'GET', `/apis/apps/v1/namespaces/${ns}/deployments/${name}`)).json.spec.replicas;
  const events = async (ns: string, name: string): Promise<Obj[]> =>
    (await api(c, 'GET', `/api/v1/namespaces/${ns}/events?fieldSelector=involvedObject.name%3D${name},involvedObject.kind%3DHorizontalPodAutoscaler`)).json.items;
  const runningPods = async (ns: string, app: string): Promise<Obj[]> =>
    (await api(c, 'GET', `/api/v1/namespaces/${ns}/pods?labelSelector=app%3D${app}`)).json.items.filter((p: Obj) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp);
  const cond = (h: Obj, type: string) => {
    const x = (h.status?.conditions ?? []).find((k: Obj) => k.type === type);
    return x && [x.status, x.reason, x.message];
  };

  before(async () => {
    c = await startTestCluster({ controllers: '*', horizontalPodAutoscaler: { syncPeriodMs: 300, downscaleStabilizationMs: 3000, cpuInitializationPeriodMs: 0 } });
  });
  after(() => c?.cleanup());

  test('kubectl autoscale scales a Deployment to its minimum, then up on CPU use, with upstream status, conditions and events', async () => {
    await c.k(['create', 'namespace', 'auto']);
    await c.k(['create', '-f', '-'], { stdin: deployment('auto', 'web') });
    assert.equal(await c.k(['-n', 'auto', 'autoscale', 'deployment', 'web', '--min', '2', '--max', '5', '--cpu-percent', '50']), 'horizontalpodautoscaler.autoscaling/web autoscaled\n');
    await eventually('the minimum of 2', async () => (await replicas('auto', 'web')) === 2);
    const pods = await eventually('2 running pods', async () => ((await runningPods('auto', 'web')).length === 2 ? runningPods('auto', 'web') : undefined));
    // each pod at its request: 100% of requests against a 50% target
    await c.k(['-n', 'auto', 'annotate', 'pods', ...pods.map((p) => p.metadata.name), 'minikapi.dev/cpu-usage=100m']);
    await eventually('4 replicas', async () => (await replicas('auto', 'web')) === 4);
    // (events list by name, not by time)
    const messages = await eventually('both rescale events', async () => {
      const m = (await events('auto', 'web')).filter((e) => e.reason === 'SuccessfulRescale').map((e) => [e.type, e.message, e.source.component]);
      return m.length === 2 && m.sort((a, b) => (a[1] < b[1] ? -1 : 1));
    });
    assert.deepEqual(messages, [
      ['Normal', 'New size: 2; reason: Current number of replicas below Spec.MinReplicas', 'horizontal-pod-autoscaler'],
      ['Normal', 'New size: 4; reason: cpu resource utilization (percentage of request) above target', 'horizontal-pod-autoscaler'],
    ]);
    // the new pods use the default 1m: (100 + 100 + 1 + 1) / 400 = 50%, on target
    const h = await eventually('the HPA settled at 4', async () => {
      const x = await hpa('auto', 'web');
      return x.status?.currentReplicas === 4 && x.status.currentMetrics?.[0]?.resource?.current?.averageUtilization === 50 && x;
    });
    assert.equal(h.status.desiredReplicas, 4);
    assert.deepEqual(h.status.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageValue: '50m', averageUtilization: 50 } } }]);
    assert.match(h.status.lastScaleTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(cond(h, 'AbleToScale'), ['True', 'ReadyForNewScale', 'recommended size matches current size']);
    assert.deepEqual(cond(h, 'ScalingActive'), ['True', 'ValidMetricFound', 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)']);
    assert.deepEqual(cond(h, 'ScalingLimited'), ['False', 'DesiredWithinRange', 'the desired count is within the acceptable range']);
    // a settled HPA is not written again on each sync
    const rv = (await hpa('auto', 'web')).metadata.resourceVersion;
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal((await hpa('auto', 'web')).metadata.resourceVersion, rv);
    const rows = table(await c.k(['-n', 'auto', 'get', 'hpa']));
    assert.deepEqual(rows[0], ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE']);
    assert.deepEqual(rows[1]!.slice(0, 6), ['web', 'Deployment/web', 'cpu: 50%/50%', '2', '5', '4']);
    const described = await c.k(['-n', 'auto', 'describe', 'hpa', 'web']);
    assert.match(described, /\n {2}resource cpu on pods {2}\(as a percentage of request\): {2}50% \(50m\) \/ 50%\n/);
    assert.match(described, /\nDeployment pods: +4 current \/ 4 desired\n/);
    assert.match(described, /\n {2}ScalingActive +True +ValidMetricFound +the HPA was able to successfully calculate a replica count from cpu resource utilization \(percentage of request\)\n/);
    assert.match(described, /\n {2}Normal +SuccessfulRescale +\S+ +horizontal-pod-autoscaler +New size: 4; reason: cpu resource utilization \(percentage of request\) above target\n/);
  });

  test('usage well below target scales down once the downscale stabilization window has passed', async () => {
    await eventually('4 running pods', async () => (await runningPods('auto', 'web')).length === 4);
    const pods = await runningPods('auto', 'web');
    await c.k(['-n', 'auto', 'annotate', '--overwrite', 'pods', ...pods.map((p) => p.metadata.name), 'minikapi.dev/cpu-usage=10m']);
    // 10% of requests: 4 × 10/50 → 1, held at 4 by recent recommendations first
    const held = await eventually('ScaleDownStabilized', async () => {
      const x = await hpa('auto', 'web');
      return cond(x, 'AbleToScale')?.[1] === 'ScaleDownStabilized' && x;
    });
    assert.deepEqual(cond(held, 'AbleToScale'), ['True', 'ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation']);
    await eventually('2 replicas', async () => (await replicas('auto', 'web')) === 2);
    const h = await eventually('TooFewReplicas', async () => {
      const x = await hpa('auto', 'web');
      return cond(x, 'ScalingLimited')?.[1] === 'TooFewReplicas' && x;
    });
    assert.deepEqual(cond(h, 'ScalingLimited'), ['True', 'TooFewReplicas', 'the desired replica count is less than the minimum replica count']);
    const down = await eventually('the scale-down event', async () => (await events('auto', 'web')).find((e) => e.reason === 'SuccessfulRescale' && e.message.startsWith('New size: 2; reason: All')));
    assert.equal(down.message, 'New size: 2; reason: All metrics below target');
  });

  test('behavior: a Pods policy of 1 per minute limits a scale-up as ScaleUpLimit', async () => {
    await c.k(['create', '-f', '-'], { stdin: deployment('auto', 'api', 2) });
    const pods = await eventually('2 running pods', async () => ((await runningPods('auto', 'api')).length === 2 ? runningPods('auto', 'api') : undefined));
    await c.k(['-n', 'auto', 'annotate', 'pods', ...pods.map((p) => p.metadata.name), 'minikapi.dev/cpu-usage=200m']);
    await c.k(['create', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'api', namespace: 'auto' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
          minReplicas: 1,
          maxReplicas: 10,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '100m' } } }],
          behavior: { scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
        },
      }),
    });
    await eventually('3 replicas', async () => (await replicas('auto', 'api')) === 3);
    const h = await eventually('ScaleUpLimit', async () => {
      const x = await hpa('auto', 'api');
      return cond(x, 'ScalingLimited')?.[1] === 'ScaleUpLimit' && x.status.currentReplicas === 3 && x;
    });
    assert.deepEqual(cond(h, 'ScalingLimited'), ['True', 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate']);
    assert.equal(h.status.desiredReplicas, 3);
    assert.deepEqual(h.status.currentMetrics[0].resource.current.averageValue !== undefined, true);
    assert.equal(await replicas('auto', 'api'), 3);
  });

  test('two HPAs over the same pods both report AmbiguousSelector', async () => {
    await c.k(['-n', 'auto', 'autoscale', 'deployment', 'api', '--name', 'api-2', '--max', '4', '--cpu-percent', '50']);
    const msg = 'pods by selector app=api are controlled by multiple HPAs: [auto/api auto/api-2]';
    for (const name of ['api', 'api-2']) {
      const h = await eventually(`AmbiguousSelector on ${name}`, async () => {
        const x = await hpa('auto', name);
        return cond(x, 'ScalingActive')?.[1] === 'AmbiguousSelector' && x;
      });
      assert.deepEqual(cond(h, 'ScalingActive'), ['False', 'AmbiguousSelector', msg]);
    }
    const evs = await eventually('the warnings', async () => {
      const all = await events('auto', 'api-2');
      const a = all.find((e) => e.reason === 'AmbiguousSelector');
      const b = all.find((e) => e.reason === 'FailedComputeMetricsReplicas');
      return a && b && [a.message, b.message];
    });
    assert.deepEqual(evs, [msg, msg]);
    await c.k(['-n', 'auto', 'delete', 'hpa', 'api-2']);
    await eventually('api active again', async () => cond(await hpa('auto', 'api'), 'ScalingActive')?.[1] === 'ValidMetricFound');
  });

  test('a custom resource with a scale subresource is scaled through it on an averageValue target', async () => {
    await c.k(['apply', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com' },
        spec: {
          group: 'example.com',
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } }, status: { type: 'object', properties: { replicas: { type: 'integer' }, selector: { type: 'string' } } } } } },
              subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
            },
          ],
        },
      }),
    });
    await eventually('the widgets resource', async () => (await c.kubectl(['-n', 'auto', 'get', 'widgets'])).code === 0);
    await c.k(['-n', 'auto', 'apply', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'auto' }, spec: { replicas: 1 } }) });
    await c.k(['-n', 'auto', 'patch', 'widget', 'w', '--subresource=status', '--type=merge', '-p', '{"status":{"replicas":1,"selector":"app=widget"}}']);
    // the widget's one pod, made by hand, using 300m
    await c.k(['-n', 'auto', 'create', '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'widget-0', namespace: 'auto', labels: { app: 'widget' }, annotations: { 'minikapi.dev/cpu-usage': '300m' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } }),
    });
    await eventually('the widget pod running', async () => (await runningPods('auto', 'widget')).length === 1);
    await c.k(['create', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'widget', namespace: 'auto' },
        spec: { scaleTargetRef: { apiVersion: 'example.com/v1', kind: 'Widget', name: 'w' }, maxReplicas: 4, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '100m' } } }] },
      }),
    });
    await eventually('the widget scaled to 3', async () => (await api(c, 'GET', '/apis/example.com/v1/namespaces/auto/widgets/w')).json.spec.replicas === 3);
    const ev = await eventually('the rescale event', async () => (await events('auto', 'widget')).find((e) => e.reason === 'SuccessfulRescale'));
    assert.equal(ev.message, 'New size: 3; reason: cpu resource above target');
    const h = await hpa('auto', 'widget');
    assert.deepEqual(h.status.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageValue: '300m' } } }]);
    assert.deepEqual(cond(h, 'ScalingActive'), ['True', 'ValidMetricFound', 'the HPA was able to successfully calculate a replica count from cpu resource']);
  });

  test('a missing target and missing metrics give upstream conditions and warning events', async () => {
    await c.k(['create', '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'ghost', namespace: 'auto' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'ghost' }, maxReplicas: 3 } }),
    });
    const h = await eventually('FailedGetScale', async () => {
      const x = await hpa('auto', 'ghost');
      return cond(x, 'AbleToScale')?.[1] === 'FailedGetScale' && x;
    });
    assert.deepEqual(cond(h, 'AbleToScale'), ['False', 'FailedGetScale', 'the HPA controller was unable to get the target\'s current scale: deployments.apps "ghost" not found']);
    const ev = await eventually('the FailedGetScale event', async () => (await events('auto', 'ghost')).find((e) => e.reason === 'FailedGetScale'));
    assert.equal(ev.type, 'Warning');
    assert.equal(ev.message, 'deployments.apps "ghost" not found');
    // every sync fails the same way: one event whose count grows, as client-go's correlator keeps it
    const repeated = await eventually('the count to grow', async () => {
      const all = (await events('auto', 'ghost')).filter((e) => e.reason === 'FailedGetScale');
      return all.length === 1 && all[0].count >= 3 && all[0];
    });
    assert.equal(repeated.metadata.name, ev.metadata.name);
    // a Deployment whose pods have no requests: the utilization cannot be computed
    await c.k(['-n', 'auto', 'create', 'deployment', 'noreq', '--image=nginx']);
    await eventually('a running pod', async () => (await runningPods('auto', 'noreq')).length === 1);
    await c.k(['-n', 'auto', 'autoscale', 'deployment', 'noreq', '--max', '3', '--cpu-percent', '50']);
    const pod = (await runningPods('auto', 'noreq'))[0];
    const failed = await eventually('FailedGetResourceMetric', async () => {
      const x = await hpa('auto', 'noreq');
      return cond(x, 'ScalingActive')?.[1] === 'FailedGetResourceMetric' && x;
    });
    const err = `failed to get cpu utilization: missing request for cpu in container nginx of Pod ${pod.metadata.name}`;
    assert.deepEqual(cond(failed, 'ScalingActive'), ['False', 'FailedGetResourceMetric', `the HPA was unable to compute the replica count: ${err}`]);
    assert.deepEqual(failed.status.currentMetrics, [{ type: '' }]);
    const evs = await eventually('both warnings', async () => {
      const all = await events('auto', 'noreq');
      const a = all.find((e) => e.reason === 'FailedGetResourceMetric');
      const b = all.find((e) => e.reason === 'FailedComputeMetricsReplicas');
      return a && b && [a.message, b.message];
    });
    assert.deepEqual(evs, [err, `invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: ${err}`]);
    const row = table(await c.k(['-n', 'auto', 'get', 'hpa', 'noreq']))[1]!;
    assert.deepEqual(row.slice(0, 6), ['noreq', 'Deployment/noreq', 'cpu: <unknown>/50%', '1', '3', '1']);
  });
  test('a target scaled to zero by hand turns autoscaling off (ScalingDisabled)', async () => {
    await c.k(['-n', 'auto', 'scale', 'deployment', 'web', '--replicas=0']);
    const h = await eventually('ScalingDisabled', async () => {
      const x = await hpa('auto', 'web');
      return cond(x, 'ScalingActive')?.[1] === 'ScalingDisabled' && x;
    });
    assert.deepEqual(cond(h, 'ScalingActive'), ['False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero']);
    // currentReplicas is omitempty in autoscaling/v2; desiredReplicas is not
    assert.equal(h.status.currentReplicas, undefined);
    assert.equal(h.status.desiredReplicas, 0);
    assert.equal(h.status.currentMetrics, null);
    assert.equal(await replicas('auto', 'web'), 0);
  });
});
