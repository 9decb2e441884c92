// The HPA's metric evaluation (computeReplicasForMetrics): the target's selector checked (present, parseable,
// under one HPA only), then each metric's proposal from metrics.k8s.io through the replica calculator, with the
// status, condition and warning event upstream gives for each failure.
import type { Client, KObject } from '../client/types.js';
import { formatQty } from '../apimachinery/quantity-math.js';
import { parseLabelSelector, type LabelSelector } from '../apimachinery/selectors.js';
import type { EventRecorder } from './event-recorder.js';
import { resourceMetrics } from './hpa-metrics-client.js';
import { milliValue, rawResourceReplicas, resourceReplicas, type CalculatorOptions } from './hpa-replica-calculator.js';
import { rfc3339 } from '../apimachinery/time.js';

const milliQuantity = (milli: number) => formatQty({ nano: BigInt(milli) * 1_000_000n, binary: false });

/** setCondition: the transition time moves only when the status changes. */
export function setCondition(status: KObject, type: string, st: 'True' | 'False', reason: string, message: string): void {
  const list: KObject[] = (status.conditions ??= []);
  let c = list.find((x) => x.type === type);
  if (!c) list.push((c = { type }));
  if (c.status !== st) c.lastTransitionTime = rfc3339();
  c.status = st;
  c.reason = reason;
  c.message = message;
}

export class MetricError extends Error {
  constructor(
    message: string,
    readonly condition: [string, string],
  ) {
    super(message);
  }
}

export interface MetricReplicasDeps {
  client(): Client;
  recorder: EventRecorder;
  /** Every pod (the pod informer's cache). */
  pods(): KObject[];
  /** Each HPA's target selector once known (null: registered, selecting nothing yet), for AmbiguousSelector. */
  selectors: Map<string, LabelSelector | null>;
  calc: CalculatorOptions;
}

export interface MetricsProposal {
  replicas: number;
  metric: string;
  statuses: KObject[];
  error?: string;
}

export class MetricReplicas {
  constructor(private readonly deps: MetricReplicasDeps) {}

  /** computeReplicasForMetrics: the largest proposal; -1 when every metric failed, or some failed and the rest would scale down. */
  async computeReplicasForMetrics(hpa: KObject, scale: KObject, specs: KObject[]): Promise<MetricsProposal> {
    const status = hpa.status;
    const selectorText: string = scale.status?.selector ?? '';
    if (!selectorText) {
      void this.deps.recorder.event(hpa, 'Warning', 'SelectorRequired', 'selector is required');
      setCondition(status, 'ScalingActive', 'False', 'InvalidSelector', "the HPA target's scale is missing a selector");
      return { replicas: -1, metric: '', statuses: [], error: 'selector is required' };
    }
    let selector;
    try {
      selector = parseLabelSelector(selectorText);
    } catch (e) {
      const msg = `couldn't convert selector into a corresponding internal selector object: ${(e as Error).message}`;
      void this.deps.recorder.event(hpa, 'Warning', 'InvalidSelector', msg);
      setCondition(status, 'ScalingActive', 'False', 'InvalidSelector', msg);
      return { replicas: -1, metric: '', statuses: [], error: msg };
    }
    const ns = hpa.metadata.namespace;
    const hpaKey = `${ns}/${hpa.metadata.name}`;
    if (this.deps.selectors.has(hpaKey)) this.deps.selectors.set(hpaKey, selector);
    const pods = this.deps.pods().filter((p) => p.metadata.namespace === ns && selector.matches(p.metadata.labels ?? {}));
    const selecting = this.hpasControllingPods(ns, pods);
    if (selecting.length > 1) {
      const msg = `pods by selector ${selectorText} are controlled by multiple HPAs: [${selecting.join(' ')}]`;
      void this.deps.recorder.event(hpa, 'Warning', 'AmbiguousSelector', msg);
      setCondition(status, 'ScalingActive', 'False', 'AmbiguousSelector', msg);
      return { replicas: -1, metric: '', statuses: [], error: msg };
    }
    const specReplicas: number = scale.spec?.replicas ?? 0;
    const statuses: KObject[] = specs.map(() => ({ type: '' }));
    let replicas = 0;
    let metric = '';
    let invalid = 0;
    let firstError: MetricError | undefined;
    for (const [i, m] of specs.entries()) {
      try {
        const p = await this.computeForMetric(hpa, m, specReplicas, ns, selectorText, pods);
        statuses[i] = p.status;
        if (replicas === 0 || p.replicas > replicas) {
          replicas = p.replicas;
          metric = p.metric;
        }
      } catch (e) {
        const err = e instanceof MetricError ? e : new MetricError((e as Error).message, ['FailedGetResourceMetric', `the HPA was unable to compute the replica count: ${(e as Error).message}`]);
        if (!firstError) firstError = err;
        invalid++;
      }
    }
    const error = firstError ? `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError.message}` : undefined;
    if (invalid >= specs.length || (invalid > 0 && replicas < specReplicas)) {
      if (firstError) setCondition(status, 'ScalingActive', 'False', firstError.condition[0], firstError.condition[1]);
      return { replicas: -1, metric: '', statuses, error };
    }
    setCondition(status, 'ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metric}`);
    return { replicas, metric, statuses, error };
  }

  /** hpasControllingPodsUnderSelector: the HPAs of the namespace whose target selector takes any of these pods. */
  private hpasControllingPods(ns: string, pods: KObject[]): string[] {
    const out = new Set<string>();
    for (const [k, sel] of this.deps.selectors) {
      if (!sel || !k.startsWith(`${ns}/`)) continue;
      if (pods.some((p) => sel.matches(p.metadata.labels ?? {}))) out.add(k);
    }
    return [...out].sort();
  }

  /** computeReplicasForMetric: Resource and ContainerResource metrics from metrics.k8s.io; no custom or external metrics API is served. */
  private async computeForMetric(hpa: KObject, m: KObject, currentReplicas: number, ns: string, selector: string, pods: KObject[]): Promise<{ replicas: number; metric: string; status: KObject }> {
    // getUnableComputeReplicaCountCondition: a warning event and the ScalingActive condition, the error wrapped once more
    const fail = (reason: string, err: string, outer: string) => {
      void this.deps.recorder.event(hpa, 'Warning', reason, err);
      return new MetricError(outer ? `${outer}: ${err}` : err, [reason, `the HPA was unable to compute the replica count: ${err}`]);
    };
    if (m.type === 'Pods') {
      const err = `unable to get metric ${m.pods?.metric?.name ?? ''}: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered`;
      throw fail('FailedGetPodsMetric', err, 'failed to get pods metric value');
    }
    if (m.type === 'Object') {
      // (upstream's format string puts the error last, after the object's name)
      const ref = m.object?.describedObject ?? {};
      const err = `unable to get metric ${m.object?.metric?.name ?? ''}: ${ref.kind} on ${ns} ${ref.name}/unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered`;
      throw fail('FailedGetObjectMetric', err, 'failed to get object metric value');
    }
    if (m.type === 'External') {
      const name = m.external?.metric?.name ?? '';
      const err = `unable to get external metric ${ns}/${name}/nil: unable to fetch metrics from external metrics API: no external metrics API (external.metrics.k8s.io) registered`;
      throw fail('FailedGetExternalMetric', err, `failed to get ${name} external metric value`);
    }
    const container = m.type === 'ContainerResource' ? (m.containerResource?.container as string) : '';
    const source = m.type === 'ContainerResource' ? m.containerResource : m.type === 'Resource' ? m.resource : undefined;
    if (!source) throw fail('InvalidMetricSourceType', `unknown metric source type "${m.type}"`, '');
    const [reason, outer] = container ? ['FailedGetContainerResourceMetric', `failed to get ${container} container metric value`] : ['FailedGetResourceMetric', `failed to get ${source.name} resource metric value`];
    const name: string = source.name;
    const target = source.target ?? {};
    const fetch = async () => {
      try {
        return await resourceMetrics(this.deps.client(), name, ns, selector, container);
      } catch (e) {
        throw new Error(`unable to get metrics for resource ${name}: ${(e as Error).message}`);
      }
    };
    const statusOf = (current: KObject) => (container ? { type: 'ContainerResource', containerResource: { name, container, current } } : { type: 'Resource', resource: { name, current } });
    if (target.averageValue !== undefined) {
      try {
        const r = rawResourceReplicas(currentReplicas, milliValue(target.averageValue) ?? 0, name, pods, (await fetch()).metrics, this.deps.calc);
        return { replicas: r.replicas, metric: `${name} resource`, status: statusOf({ averageValue: milliQuantity(r.usage) }) };
      } catch (e) {
        throw fail(reason, `failed to get ${name} usage: ${(e as Error).message}`, outer);
      }
    }
    if (target.averageUtilization === undefined) throw fail(reason, 'invalid resource metric source: neither an average utilization target nor an average value (usage) target was set', outer);
    try {
      const r = resourceReplicas(currentReplicas, target.averageUtilization, name, pods, (await fetch()).metrics, this.deps.calc, container);
      return {
        replicas: r.replicas,
        metric: container ? `${name} container resource utilization (percentage of request)` : `${name} resource utilization (percentage of request)`,
        status: statusOf({ averageValue: milliQuantity(r.rawUtilization), averageUtilization: r.utilization }),
      };
    } catch (e) {
      throw fail(reason, `failed to get ${name} utilization: ${(e as Error).message}`, outer);
    }
  }
}
