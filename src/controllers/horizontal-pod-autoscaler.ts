// horizontalpodautoscaling: each autoscaling/v2 HorizontalPodAutoscaler is reconciled every sync period (15 s)
// as kube-controller-manager's HPA controller does: the target's scale subresource, Resource metrics from
// metrics.k8s.io, the replica calculator, stabilization and limits, the scale written back, and the status
// (currentReplicas, desiredReplicas, currentMetrics, lastScaleTime, conditions) with upstream's events.
import type { DiscoveredResource, GVR, KObject } from '../client/types.js';
import type { LabelSelector } from '../apimachinery/selectors.js';
import { EventRecorder } from './event-recorder.js';
import { PODS } from './gvr.js';
import { MetricReplicas, setCondition } from './hpa-metric-replicas.js';
import { limitWithBehaviors, limitWithRules, recordScaleEvent, stabilize, stabilizeWithBehaviors, DOWN_STABILIZED, type HPAHistory } from './hpa-normalize.js';
import { DEFAULT_CALCULATOR, type CalculatorOptions } from './hpa-replica-calculator.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';
import { rfc3339 } from '../apimachinery/time.js';

export const HPAS: GVR = { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', namespaced: true };

export interface HPAOptions {
  /** --horizontal-pod-autoscaler-sync-period (15 s). */
  syncPeriodMs?: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization (5 minutes). */
  downscaleStabilizationMs?: number;
  tolerance?: number;
  cpuInitializationPeriodMs?: number;
  initialReadinessDelayMs?: number;
}

/** JSON with sorted keys: equality of statuses whatever order the server printed their fields in. */
const canonical = (v: unknown): string =>
  Array.isArray(v) ? `[${v.map(canonical).join(',')}]` : v && typeof v === 'object' ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as KObject)[k])}`).join(',')}}` : JSON.stringify(v) ?? 'null';

export class HorizontalPodAutoscalerController extends QueueController {
  private hpas!: Informer;
  private pods!: Informer;
  private recorder!: EventRecorder;
  private readonly history = new Map<string, HPAHistory>();
  /** Each HPA's target selector once known (null: registered, selecting nothing yet), for AmbiguousSelector. */
  private readonly selectors = new Map<string, LabelSelector | null>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private resources?: DiscoveredResource[];
  private readonly syncPeriodMs: number;
  private readonly downscaleWindowMs: number;
  private readonly calc: CalculatorOptions;
  private metrics!: MetricReplicas;

  constructor(opts: HPAOptions = {}) {
    super('horizontalpodautoscaling', 2);
    this.syncPeriodMs = opts.syncPeriodMs ?? 15_000;
    this.downscaleWindowMs = opts.downscaleStabilizationMs ?? 5 * 60_000;
    this.calc = {
      tolerance: opts.tolerance ?? DEFAULT_CALCULATOR.tolerance,
      cpuInitializationPeriodMs: opts.cpuInitializationPeriodMs ?? DEFAULT_CALCULATOR.cpuInitializationPeriodMs,
      delayOfInitialReadinessStatusMs: opts.initialReadinessDelayMs ?? DEFAULT_CALCULATOR.delayOfInitialReadinessStatusMs,
    };
  }

  protected register(): void {
    this.recorder = new EventRecorder(() => this.ctx.client, 'horizontal-pod-autoscaler', { kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2' });
    const key = (o: KObject) => `${o.metadata.namespace}/${o.metadata.name}`;
    // as upstream's fixed-interval rate limiter: a new or changed HPA is looked at within one sync period
    const enqueue = (h: KObject) => {
      this.schedule(key(h));
      if (!this.selectors.has(key(h))) this.selectors.set(key(h), null);
    };
    this.hpas = this.ctx.informers.informer(HPAS).on({ add: enqueue, update: (_, h) => enqueue(h), delete: (h) => this.forgetKey(key(h)) });
    this.pods = this.ctx.informers.informer(PODS);
    this.metrics = new MetricReplicas({ client: () => this.ctx.client, recorder: this.recorder, pods: () => this.pods.items(), selectors: this.selectors, calc: this.calc });
  }

  override stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    super.stop();
  }

  /** One pending look per HPA, never more (status writes would otherwise multiply the timers). */
  private schedule(key: string, ms = this.syncPeriodMs): void {
    if (this.timers.has(key)) return;
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.queue.add(key);
    }, ms);
    t.unref();
    this.timers.set(key, t);
  }

  private forgetKey(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.history.delete(key);
    this.selectors.delete(key);
  }

  protected async sync(key: string): Promise<void> {
    const hpa = this.hpas.get(key);
    if (!hpa) {
      this.forgetKey(key);
      return;
    }
    try {
      await this.reconcile(key, hpa);
    } finally {
      if (this.hpas.get(key)) this.schedule(key);
    }
  }

  /** The resource a scaleTargetRef names (RESTMapping through discovery, looked up again once on a miss). */
  private async resolve(ref: KObject): Promise<GVR> {
    const apiVersion: string = ref.apiVersion ?? '';
    const parts = apiVersion.split('/');
    if (parts.length > 2) throw new Error(`unexpected GroupVersion string: ${apiVersion}`);
    const group = parts.length === 2 ? parts[0]! : '';
    const find = () => this.resources?.find((r) => r.group === group && r.kind === ref.kind && !r.resource.includes('/'));
    let r = find();
    if (!r) {
      this.resources = await this.ctx.client.discover();
      r = find();
    }
    if (!r) throw new Error(`no matches for kind "${ref.kind}" in group "${group}"`);
    return r;
  }

  private async reconcile(key: string, shared: KObject): Promise<void> {
    const hpa = structuredClone(shared);
    const original = structuredClone(shared.status ?? {});
    const status: KObject = (hpa.status ??= {});
    const spec = hpa.spec ?? {};
    const ns: string = hpa.metadata.namespace;
    const ref = spec.scaleTargetRef ?? {};
    let gvr: GVR;
    let scale: KObject;
    try {
      gvr = await this.resolve(ref);
      scale = await this.ctx.client.get(gvr, ns, ref.name, 'scale');
    } catch (e) {
      const msg = (e as Error).message;
      void this.recorder.event(hpa, 'Warning', 'FailedGetScale', msg);
      setCondition(status, 'AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${msg}`);
      await this.updateStatusIfNeeded(hpa, original);
      return;
    }
    setCondition(status, 'AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
    const currentReplicas: number = scale.spec?.replicas ?? 0;
    let h = this.history.get(key);
    if (!h) this.history.set(key, (h = { recommendations: [{ replicas: currentReplicas, at: Date.now() }], scaleUpEvents: [], scaleDownEvents: [] }));
    const minReplicas: number = spec.minReplicas ?? 1;
    const maxReplicas: number = spec.maxReplicas;
    let desiredReplicas = 0;
    let rescaleReason = '';
    let rescale = true;
    let metricStatuses: KObject[] | undefined;
    if (currentReplicas === 0 && minReplicas !== 0) {
      rescale = false;
      setCondition(status, 'ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
    } else if (currentReplicas > maxReplicas) {
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
      desiredReplicas = maxReplicas;
    } else if (currentReplicas < minReplicas) {
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
      desiredReplicas = minReplicas;
    } else {
      const computed = await this.metrics.computeReplicasForMetrics(hpa, scale, spec.metrics ?? []);
      metricStatuses = computed.statuses;
      if (computed.replicas === -1) {
        this.setStatus(hpa, currentReplicas, status.desiredReplicas ?? 0, metricStatuses, false);
        await this.updateStatusIfNeeded(hpa, original);
        void this.recorder.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', computed.error!);
        return;
      }
      let rescaleMetric = '';
      if (computed.replicas > desiredReplicas) {
        desiredReplicas = computed.replicas;
        rescaleMetric = computed.metric;
      }
      if (desiredReplicas > currentReplicas) rescaleReason = `${rescaleMetric} above target`;
      if (desiredReplicas < currentReplicas) rescaleReason = 'All metrics below target';
      desiredReplicas = spec.behavior ? this.normalizeWithBehaviors(hpa, h, currentReplicas, desiredReplicas, minReplicas) : this.normalize(hpa, h, currentReplicas, desiredReplicas, minReplicas);
      rescale = desiredReplicas !== currentReplicas;
    }
    if (rescale) {
      try {
        await this.ctx.client.update(gvr, ns, { ...scale, spec: { ...scale.spec, replicas: desiredReplicas } }, { subresource: 'scale' });
      } catch (e) {
        const msg = (e as Error).message;
        void this.recorder.event(hpa, 'Warning', 'FailedRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}; error: ${msg}`);
        setCondition(status, 'AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${msg}`);
        this.setStatus(hpa, currentReplicas, status.desiredReplicas ?? 0, metricStatuses, false);
        await this.updateStatusIfNeeded(hpa, original);
        return;
      }
      setCondition(status, 'AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desiredReplicas}`);
      void this.recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}`);
      recordScaleEvent(h, spec.behavior, currentReplicas, desiredReplicas, Date.now());
    } else desiredReplicas = currentReplicas;
    this.setStatus(hpa, currentReplicas, desiredReplicas, metricStatuses, rescale);
    await this.updateStatusIfNeeded(hpa, original);
  }

  private setStatus(hpa: KObject, currentReplicas: number, desiredReplicas: number, metrics: KObject[] | undefined, rescale: boolean): void {
    const s = hpa.status;
    const next: KObject = {};
    const lastScaleTime = rescale ? rfc3339() : s.lastScaleTime;
    if (lastScaleTime) next.lastScaleTime = lastScaleTime;
    next.currentReplicas = currentReplicas;
    next.desiredReplicas = desiredReplicas;
    if (metrics?.length) next.currentMetrics = metrics;
    if (s.conditions?.length) next.conditions = s.conditions;
    hpa.status = next;
  }

  private async updateStatusIfNeeded(hpa: KObject, original: KObject): Promise<void> {
    if (canonical(original) === canonical(hpa.status)) return;
    try {
      await this.ctx.client.update(HPAS, hpa.metadata.namespace, hpa, { subresource: 'status' });
    } catch (e) {
      if (isStatus(e, 404)) return;
      void this.recorder.event(hpa, 'Warning', 'FailedUpdateStatus', (e as Error).message);
    }
  }

  /** normalizeDesiredReplicas: the downscale stabilization window, then min/max and the scale-up limit. */
  private normalize(hpa: KObject, h: HPAHistory, current: number, desired: number, min: number): number {
    const stabilized = stabilize(h, desired, this.downscaleWindowMs, Date.now());
    if (stabilized !== desired) setCondition(hpa.status, 'AbleToScale', 'True', DOWN_STABILIZED.reason, DOWN_STABILIZED.message);
    else setCondition(hpa.status, 'AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size');
    const l = limitWithRules(current, stabilized, min, hpa.spec.maxReplicas);
    setCondition(hpa.status, 'ScalingLimited', l.replicas === stabilized ? 'False' : 'True', l.reason, l.message);
    return l.replicas;
  }

  /** normalizeDesiredReplicasWithBehaviors: per-direction stabilization, then the scaling policies. */
  private normalizeWithBehaviors(hpa: KObject, h: HPAHistory, current: number, desired: number, min: number): number {
    const behavior = structuredClone(hpa.spec.behavior);
    // a scaleDown without a window takes the controller's downscale stabilization
    if (behavior.scaleDown && behavior.scaleDown.stabilizationWindowSeconds === undefined) behavior.scaleDown.stabilizationWindowSeconds = Math.trunc(this.downscaleWindowMs / 1000);
    const now = Date.now();
    const s = stabilizeWithBehaviors(h, current, desired, behavior, now);
    if (s.replicas !== desired) setCondition(hpa.status, 'AbleToScale', 'True', s.reason, s.message);
    else setCondition(hpa.status, 'AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size');
    const l = limitWithBehaviors(h, current, s.replicas, min, hpa.spec.maxReplicas, behavior, now);
    setCondition(hpa.status, 'ScalingLimited', l.replicas === s.replicas ? 'False' : 'True', l.reason, l.message);
    return l.replicas;
  }
}
