// autoscaling/v2 and autoscaling/v1 horizontalpodautoscalers: one stored (v2) object served in both versions.
import { type FieldError, forbiddenField, invalid, notSupported, required } from '../../apimachinery/errors.js';
import { pathSegmentErrors } from '../../apimachinery/validation.js';
import { defineResource, STATUS } from '../define.js';
import type { KObject, ResourceDef } from '../types.js';
import { quantityValue } from './common.js';
import { horizontalPodAutoscalerPrinter } from '../printers/autoscaling.js';

const METRICS_ANN = 'autoscaling.alpha.kubernetes.io/metrics';
const CURRENT_METRICS_ANN = 'autoscaling.alpha.kubernetes.io/current-metrics';
const CONDITIONS_ANN = 'autoscaling.alpha.kubernetes.io/conditions';
const BEHAVIOR_ANN = 'autoscaling.alpha.kubernetes.io/behavior';
const ROUND_TRIP = [METRICS_ANN, CURRENT_METRICS_ANN, CONDITIONS_ANN, BEHAVIOR_ANN];

const cpu80 = (): KObject => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } });

/** SetDefaults_HorizontalPodAutoscaler (v2): minReplicas 1, a CPU 80% metric, behavior rules filled in when behavior is given. */
function defaultV2(obj: KObject): void {
  const spec = (obj.spec ??= {});
  spec.minReplicas ??= 1;
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) spec.metrics = [cpu80()];
  if (spec.behavior) {
    spec.behavior.scaleUp = fillRules(spec.behavior.scaleUp, {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    });
    spec.behavior.scaleDown = fillRules(spec.behavior.scaleDown, { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
  }
}

function fillRules(from: KObject | undefined, defaults: KObject): KObject {
  const out = structuredClone(defaults);
  if (!from) return out;
  for (const k of ['selectPolicy', 'stabilizationWindowSeconds', 'policies', 'tolerance']) if (from[k] !== undefined && from[k] !== null) out[k] = from[k];
  return out;
}

// autoscaling/v1 keeps its metric list in the v2beta1 shape inside annotations, with keys in Go's field order.
const ref = (r: KObject | undefined) => r && clean({ kind: r.kind, name: r.name, apiVersion: r.apiVersion });

function metricSpecV2ToV1(m: KObject): KObject {
  const out: KObject = { type: m.type };
  if (m.object)
    out.object = clean({ target: ref(m.object.describedObject), metricName: m.object.metric?.name, targetValue: m.object.target?.value, selector: m.object.metric?.selector, averageValue: m.object.target?.averageValue });
  if (m.pods) out.pods = clean({ metricName: m.pods.metric?.name, targetAverageValue: m.pods.target?.averageValue, selector: m.pods.metric?.selector });
  if (m.resource) out.resource = clean({ name: m.resource.name, targetAverageUtilization: m.resource.target?.averageUtilization, targetAverageValue: m.resource.target?.averageValue });
  if (m.containerResource) {
    const r = m.containerResource;
    out.containerResource = clean({ name: r.name, targetAverageUtilization: r.target?.averageUtilization, targetAverageValue: r.target?.averageValue, container: r.container });
  }
  if (m.external)
    out.external = clean({ metricName: m.external.metric?.name, metricSelector: m.external.metric?.selector, targetValue: m.external.target?.value, targetAverageValue: m.external.target?.averageValue });
  return out;
}

function metricSpecV1ToV2(m: KObject): KObject {
  const out: KObject = { type: m.type };
  const resTarget = (r: KObject) =>
    r.targetAverageUtilization !== undefined
      ? clean({ type: 'Utilization', averageUtilization: r.targetAverageUtilization, averageValue: r.targetAverageValue })
      : clean({ type: 'AverageValue', averageValue: r.targetAverageValue });
  if (m.object)
    out.object = {
      describedObject: ref(m.object.target),
      target: clean({ type: m.object.averageValue !== undefined ? 'AverageValue' : 'Value', value: m.object.targetValue, averageValue: m.object.averageValue }),
      metric: clean({ name: m.object.metricName, selector: m.object.selector }),
    };
  if (m.pods) out.pods = { metric: clean({ name: m.pods.metricName, selector: m.pods.selector }), target: clean({ type: 'AverageValue', averageValue: m.pods.targetAverageValue }) };
  if (m.resource) out.resource = { name: m.resource.name, target: resTarget(m.resource) };
  if (m.containerResource) out.containerResource = { name: m.containerResource.name, target: resTarget(m.containerResource), container: m.containerResource.container };
  if (m.external)
    out.external = {
      metric: clean({ name: m.external.metricName, selector: m.external.metricSelector }),
      target: clean({ type: m.external.targetValue !== undefined ? 'Value' : 'AverageValue', value: m.external.targetValue, averageValue: m.external.targetAverageValue }),
    };
  return out;
}

function metricStatusV2ToV1(m: KObject): KObject {
  const out: KObject = { type: m.type };
  if (m.object)
    out.object = clean({ target: ref(m.object.describedObject), metricName: m.object.metric?.name, currentValue: m.object.current?.value, selector: m.object.metric?.selector, averageValue: m.object.current?.averageValue });
  if (m.pods) out.pods = clean({ metricName: m.pods.metric?.name, currentAverageValue: m.pods.current?.averageValue, selector: m.pods.metric?.selector });
  if (m.resource) out.resource = clean({ name: m.resource.name, currentAverageUtilization: m.resource.current?.averageUtilization, currentAverageValue: m.resource.current?.averageValue });
  if (m.containerResource) {
    const r = m.containerResource;
    out.containerResource = clean({ name: r.name, currentAverageUtilization: r.current?.averageUtilization, currentAverageValue: r.current?.averageValue, container: r.container });
  }
  if (m.external)
    out.external = clean({ metricName: m.external.metric?.name, metricSelector: m.external.metric?.selector, currentValue: m.external.current?.value, currentAverageValue: m.external.current?.averageValue });
  return out;
}

function metricStatusV1ToV2(m: KObject): KObject {
  const out: KObject = { type: m.type };
  const cur = (r: KObject) => clean({ averageValue: r.currentAverageValue, averageUtilization: r.currentAverageUtilization });
  if (m.object)
    out.object = { metric: clean({ name: m.object.metricName, selector: m.object.selector }), current: clean({ value: m.object.currentValue, averageValue: m.object.averageValue }), describedObject: ref(m.object.target) };
  if (m.pods) out.pods = { metric: clean({ name: m.pods.metricName, selector: m.pods.selector }), current: clean({ averageValue: m.pods.currentAverageValue }) };
  if (m.resource) out.resource = { name: m.resource.name, current: cur(m.resource) };
  if (m.containerResource) out.containerResource = { name: m.containerResource.name, current: cur(m.containerResource), container: m.containerResource.container };
  if (m.external)
    out.external = { metric: clean({ name: m.external.metricName, selector: m.external.metricSelector }), current: clean({ value: m.external.currentValue, averageValue: m.external.currentAverageValue }) };
  return out;
}

const rulesJSON = (r: KObject | undefined) =>
  r && clean({ stabilizationWindowSeconds: r.stabilizationWindowSeconds, selectPolicy: r.selectPolicy, policies: r.policies?.map((p: KObject) => ({ type: p.type, value: p.value, periodSeconds: p.periodSeconds })), tolerance: r.tolerance });
const behaviorJSON = (b: KObject) => clean({ scaleUp: rulesJSON(b.scaleUp), scaleDown: rulesJSON(b.scaleDown) });
const conditionJSON = (c: KObject) => clean({ type: c.type, status: c.status, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message });

function clean(o: KObject): KObject {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

const isCPUUtilization = (m: KObject) => m?.type === 'Resource' && m.resource?.name === 'cpu' && m.resource?.target?.averageUtilization !== undefined;

/** Stored v2 object to autoscaling/v1: CPU utilization is a field, everything else rides in annotations. */
export function hpaV2ToV1(v2: KObject): KObject {
  const spec = v2.spec ?? {};
  const status = v2.status ?? {};
  const meta = structuredClone(v2.metadata ?? {});
  const ann: Record<string, string> = { ...(meta.annotations ?? {}) };
  for (const k of ROUND_TRIP) delete ann[k];
  const metrics: KObject[] = spec.metrics ?? [];
  const other = metrics.filter((m) => !isCPUUtilization(m)).map(metricSpecV2ToV1);
  if (other.length) ann[METRICS_ANN] = JSON.stringify(other);
  const current: KObject[] = status.currentMetrics ?? [];
  if (current.length) ann[CURRENT_METRICS_ANN] = JSON.stringify(current.map(metricStatusV2ToV1));
  if ((status.conditions ?? []).length) ann[CONDITIONS_ANN] = JSON.stringify(status.conditions.map(conditionJSON));
  if (spec.behavior) ann[BEHAVIOR_ANN] = JSON.stringify(behaviorJSON(spec.behavior));
  if (Object.keys(ann).length) meta.annotations = ann;
  else delete meta.annotations;
  const v1Spec: KObject = clean({ scaleTargetRef: spec.scaleTargetRef, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas });
  const cpu = metrics.find((m) => m?.type === 'Resource' && m.resource?.name === 'cpu');
  if (cpu?.resource?.target?.averageUtilization !== undefined) v1Spec.targetCPUUtilizationPercentage = cpu.resource.target.averageUtilization;
  const v1Status: KObject = clean({
    observedGeneration: status.observedGeneration,
    lastScaleTime: status.lastScaleTime,
    currentReplicas: status.currentReplicas ?? 0,
    desiredReplicas: status.desiredReplicas ?? 0,
  });
  for (const m of current)
    if (m?.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.current?.averageUtilization !== undefined)
      v1Status.currentCPUUtilizationPercentage = m.resource.current.averageUtilization;
  return { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: v1Spec, status: v1Status };
}

function parseAnn(ann: Record<string, string>, key: string): KObject[] | KObject | undefined {
  const v = ann[key];
  delete ann[key];
  if (v === undefined) return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

/** autoscaling/v1 object to the stored v2 form (the reverse of hpaV2ToV1, with the implicit CPU 80% target made explicit). */
export function hpaV1ToV2(v1: KObject): KObject {
  const spec = v1.spec ?? {};
  const status = v1.status ?? {};
  const meta = structuredClone(v1.metadata ?? {});
  const ann: Record<string, string> = { ...(meta.annotations ?? {}) };
  const other = parseAnn(ann, METRICS_ANN);
  const current = parseAnn(ann, CURRENT_METRICS_ANN);
  const conditions = parseAnn(ann, CONDITIONS_ANN);
  const behavior = parseAnn(ann, BEHAVIOR_ANN);
  if (Object.keys(ann).length) meta.annotations = ann;
  else delete meta.annotations;
  const metrics: KObject[] = Array.isArray(other) ? other.map(metricSpecV1ToV2) : [];
  if (spec.targetCPUUtilizationPercentage !== undefined && spec.targetCPUUtilizationPercentage !== null)
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  if (metrics.length === 0) metrics.push(cpu80());
  const v2Spec: KObject = clean({ scaleTargetRef: spec.scaleTargetRef, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas, metrics });
  if (behavior && !Array.isArray(behavior)) v2Spec.behavior = behavior;
  let currentMetrics: KObject[] | null = null;
  if (Array.isArray(current)) currentMetrics = current.map(metricStatusV1ToV2);
  else if (status.currentCPUUtilizationPercentage !== undefined)
    currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } }];
  const v2Status: KObject = clean({ observedGeneration: status.observedGeneration, lastScaleTime: status.lastScaleTime, currentReplicas: status.currentReplicas || undefined });
  v2Status.desiredReplicas = status.desiredReplicas ?? 0;
  v2Status.currentMetrics = currentMetrics;
  if (Array.isArray(conditions) && conditions.length) v2Status.conditions = conditions;
  return { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: v2Spec, status: v2Status };
}

function validateRef(ref: KObject | undefined, path: string, errs: FieldError[]): void {
  for (const f of ['kind', 'name']) {
    const v = ref?.[f];
    if (!v) errs.push(required(`${path}.${f}`));
    else for (const m of pathSegmentErrors(v)) errs.push(invalid(`${path}.${f}`, v, m));
  }
}

const METRIC_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const SOURCE_FIELD: Record<string, string> = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' };

function validateTarget(t: KObject | undefined, path: string, errs: FieldError[]): void {
  const mt = t ?? {};
  if (!mt.type) errs.push(required(`${path}.type`, 'must specify a metric target type'));
  if (mt.type !== 'Utilization' && mt.type !== 'Value' && mt.type !== 'AverageValue') errs.push(invalid(`${path}.type`, mt.type ?? '', 'must be either Utilization, Value, or AverageValue'));
  if (mt.value !== undefined && !(quantityValue(mt.value) > 0)) errs.push(invalid(`${path}.value`, mt.value, 'must be positive'));
  if (mt.averageValue !== undefined && !(quantityValue(mt.averageValue) > 0)) errs.push(invalid(`${path}.averageValue`, mt.averageValue, 'must be positive'));
  if (mt.averageUtilization !== undefined && mt.averageUtilization < 1) errs.push(invalid(`${path}.averageUtilization`, mt.averageUtilization, 'must be greater than 0'));
}

function validateMetric(m: KObject, path: string, errs: FieldError[]): void {
  if (!m.type) errs.push(required(`${path}.type`, 'must specify a metric source type'));
  const present = Object.values(SOURCE_FIELD).filter((f) => m[f]);
  const expected = SOURCE_FIELD[m.type];
  if (m.type && !expected) errs.push(notSupported(`${path}.type`, m.type, METRIC_TYPES));
  else if (expected && !m[expected]) errs.push(required(`${path}.${expected}`, 'must populate information for the given metric source'));
  if (present.length !== 1) for (const f of present) if (f !== expected) errs.push(forbiddenField(`${path}.${f}`, 'must populate the given metric source only'));
  const ident = (id: KObject | undefined, p: string) => {
    if (!id?.name) errs.push(required(`${p}.name`, 'must specify a metric name'));
  };
  if (m.resource || m.containerResource) {
    const key = m.resource ? 'resource' : 'containerResource';
    const src = m[key];
    const p = `${path}.${key}`;
    if (!src.name) errs.push(required(`${p}.name`, 'must specify a resource name'));
    if (key === 'containerResource' && !src.container) errs.push(required(`${p}.container`, 'must specify a container'));
    validateTarget(src.target, `${p}.target`, errs);
    if (src.target?.averageUtilization === undefined && src.target?.averageValue === undefined)
      errs.push(required(`${p}.target.averageUtilization`, 'must set either a target raw value or a target utilization'));
    if (src.target?.averageUtilization !== undefined && src.target?.averageValue !== undefined)
      errs.push(forbiddenField(`${p}.target.averageValue`, 'may not set both a target raw value and a target utilization'));
  }
  if (m.pods) {
    ident(m.pods.metric, `${path}.pods.metric`);
    validateTarget(m.pods.target, `${path}.pods.target`, errs);
    if (m.pods.target?.averageValue === undefined) errs.push(required(`${path}.pods.target.averageValue`, 'must specify a positive target averageValue'));
  }
  if (m.object) {
    validateRef(m.object.describedObject, `${path}.object.describedObject`, errs);
    ident(m.object.metric, `${path}.object.metric`);
    validateTarget(m.object.target, `${path}.object.target`, errs);
    if (m.object.target?.value === undefined && m.object.target?.averageValue === undefined)
      errs.push(required(`${path}.object.target.value`, 'must set either a target value or averageValue'));
  }
  if (m.external) {
    ident(m.external.metric, `${path}.external.metric`);
    validateTarget(m.external.target, `${path}.external.target`, errs);
    const t = m.external.target ?? {};
    if (t.value === undefined && t.averageValue === undefined) errs.push(required(`${path}.external.target.value`, 'must set either a target value for metric or a per-pod target'));
    if (t.value !== undefined && t.averageValue !== undefined) errs.push(forbiddenField(`${path}.external.target.value`, 'may not set both a target value for metric and a per-pod target'));
  }
}

function validateRules(r: KObject | undefined, path: string, errs: FieldError[]): void {
  if (!r) return;
  const w = r.stabilizationWindowSeconds;
  if (typeof w === 'number' && w < 0) errs.push(invalid(`${path}.stabilizationWindowSeconds`, w, 'must be greater than or equal to zero'));
  if (typeof w === 'number' && w > 3600) errs.push(invalid(`${path}.stabilizationWindowSeconds`, w, 'must be less than or equal to 3600'));
  if (r.selectPolicy !== undefined && !['Disabled', 'Max', 'Min'].includes(r.selectPolicy)) errs.push(notSupported(`${path}.selectPolicy`, r.selectPolicy, ['Disabled', 'Max', 'Min']));
  const policies: KObject[] = r.policies ?? [];
  if (policies.length === 0) errs.push(required(`${path}.policies`, 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const pp = `${path}.policies[${i}]`;
    if (p.type !== 'Pods' && p.type !== 'Percent') errs.push(notSupported(`${pp}.type`, p.type ?? '', ['Percent', 'Pods']));
    if (!(p.value > 0)) errs.push(invalid(`${pp}.value`, p.value ?? 0, 'must be greater than zero'));
    if (!(p.periodSeconds > 0)) errs.push(invalid(`${pp}.periodSeconds`, p.periodSeconds ?? 0, 'must be greater than zero'));
    else if (p.periodSeconds > 1800) errs.push(invalid(`${pp}.periodSeconds`, p.periodSeconds, 'must be less than or equal to 1800'));
  });
}

/** ValidateHorizontalPodAutoscaler on the v2 shape. */
function validateV2(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  validateRef(spec.scaleTargetRef, 'spec.scaleTargetRef', errs);
  if (typeof spec.minReplicas === 'number' && spec.minReplicas < 1) errs.push(invalid('spec.minReplicas', spec.minReplicas, 'must be greater than or equal to 1'));
  const max = spec.maxReplicas ?? 0;
  if (max < 1) errs.push(invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (typeof spec.minReplicas === 'number' && max < spec.minReplicas) errs.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  (spec.metrics ?? []).forEach((m: KObject, i: number) => validateMetric(m ?? {}, `spec.metrics[${i}]`, errs));
  validateRules(spec.behavior?.scaleUp, 'spec.behavior.scaleUp', errs);
  validateRules(spec.behavior?.scaleDown, 'spec.behavior.scaleDown', errs);
  return errs;
}

const freshV2Status = (): KObject => ({ currentMetrics: null, desiredReplicas: 0 });

export const horizontalpodautoscalersV2 = defineResource({
  group: 'autoscaling',
  version: 'v2',
  resource: 'horizontalpodautoscalers',
  kind: 'HorizontalPodAutoscaler',
  printer: horizontalPodAutoscalerPrinter,
  shortNames: ['hpa'],
  categories: ['all'],
  subresources: [STATUS],
  keyPrefix: '/registry/horizontalpodautoscalers/',
  strategy: {
    prepareForCreate(obj) {
      defaultV2(obj);
      obj.status = freshV2Status();
    },
    prepareForUpdate: (obj) => defaultV2(obj),
    validate: validateV2,
  },
});

/** Runs v2 defaulting on a v1 object through the conversion, as upstream's round trip through the stored form does. */
function normaliseV1(obj: KObject, status?: KObject): void {
  const v2 = hpaV1ToV2(obj);
  defaultV2(v2);
  if (status) v2.status = status;
  const back = hpaV2ToV1(v2);
  obj.metadata = back.metadata;
  obj.spec = back.spec;
  obj.status = back.status;
}

export const horizontalpodautoscalersV1 = defineResource({
  group: 'autoscaling',
  version: 'v1',
  resource: 'horizontalpodautoscalers',
  kind: 'HorizontalPodAutoscaler',
  printer: horizontalPodAutoscalerPrinter,
  shortNames: ['hpa'],
  categories: ['all'],
  subresources: [STATUS],
  keyPrefix: '/registry/horizontalpodautoscalers/',
  convert: {
    toStorage: (obj) => hpaV1ToV2(obj),
    fromStorage: hpaV2ToV1,
  },
  strategy: {
    prepareForCreate: (obj) => normaliseV1(obj, freshV2Status()),
    prepareForUpdate: (obj) => normaliseV1(obj),
    validate: (obj) => validateV2(hpaV1ToV2(obj)),
  },
});

export const autoscalingResources: ResourceDef[] = [horizontalpodautoscalersV2, horizontalpodautoscalersV1];
