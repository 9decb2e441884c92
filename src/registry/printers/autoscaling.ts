import { docCol, nameColumn, ageColumn } from './columns.js';
import type { TablePrinter } from './types.js';
import { arr, num, obj, str, translateTimestampSince } from './util.js';

// Quantity pointers print "<nil>" through Go's String() when unset.
const q = (v: unknown): string => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : '<nil>');

/** Converts an autoscaling/v1 HPA (targetCPUUtilizationPercentage) to the v2 metric shape the printer reads. */
export function hpaV1ToV2(o: any): any {
  const spec = obj(o?.spec);
  const status = obj(o?.status);
  if ('metrics' in spec || !('targetCPUUtilizationPercentage' in spec || 'currentCPUUtilizationPercentage' in status)) return o;
  const metrics = typeof spec.targetCPUUtilizationPercentage === 'number'
    ? [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } }]
    : [];
  const currentMetrics = typeof status.currentCPUUtilizationPercentage === 'number'
    ? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } }]
    : [];
  return { ...o, spec: { ...spec, metrics }, status: { ...status, currentMetrics } };
}

function formatMetric(spec: any, status: any): string {
  switch (spec?.type) {
    case 'External':
    case 'Object': {
      const key = spec.type === 'External' ? 'external' : 'object';
      const target = obj(obj(spec[key]).target);
      const cur = status?.[key] != null ? obj(obj(status[key]).current) : null;
      if (target.averageValue != null) {
        const current = cur && cur.averageValue != null ? q(cur.averageValue) : '<unknown>';
        return `${current}/${q(target.averageValue)} (avg)`;
      }
      return `${cur ? q(cur.value) : '<unknown>'}/${q(target.value)}`;
    }
    case 'Pods': {
      const cur = status?.pods != null ? q(obj(obj(status.pods).current).averageValue) : '<unknown>';
      return `${cur}/${q(obj(obj(spec.pods).target).averageValue)}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const key = spec.type === 'Resource' ? 'resource' : 'containerResource';
      const src = obj(spec[key]);
      const target = obj(src.target);
      const st = status?.[key] != null ? obj(status[key]) : null;
      if (target.averageValue != null) {
        const current = st ? q(obj(st.current).averageValue) : '<unknown>';
        return `${str(src.name)}: ${current}/${q(target.averageValue)}`;
      }
      const util = st ? obj(st.current).averageUtilization : undefined;
      const current = typeof util === 'number' ? `${util}%` : '<unknown>';
      const goal = typeof target.averageUtilization === 'number' ? `${target.averageUtilization}%` : '<auto>';
      return `${str(src.name)}: ${current}/${goal}`;
    }
  }
  return '<unknown type>';
}

function formatMetrics(specs: unknown, statuses: unknown): string {
  const list = arr(specs);
  if (list.length === 0) return '<none>';
  const sts = arr(statuses);
  const max = 2;
  const out = list.map((s, i) => formatMetric(s, sts[i]));
  if (out.length > max) return `${out.slice(0, max).join(', ')} + ${out.length - max} more...`;
  return out.join(', ');
}

export const horizontalPodAutoscalerPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    docCol('Reference', 'string', 'HorizontalPodAutoscalerSpec.scaleTargetRef'),
    docCol('Targets', 'string', 'HorizontalPodAutoscalerSpec.metrics'),
    docCol('MinPods', 'string', 'HorizontalPodAutoscalerSpec.minReplicas'),
    docCol('MaxPods', 'string', 'HorizontalPodAutoscalerSpec.maxReplicas'),
    docCol('Replicas', 'string', 'HorizontalPodAutoscalerStatus.currentReplicas'),
    ageColumn(),
  ],
  row(input, now) {
    const o = hpaV1ToV2(input);
    const meta = obj(o?.metadata);
    const spec = obj(o?.spec);
    const status = obj(o?.status);
    const ref = obj(spec.scaleTargetRef);
    const minPods = typeof spec.minReplicas === 'number' ? String(spec.minReplicas) : '<unset>';
    return {
      cells: [
        str(meta.name), `${str(ref.kind)}/${str(ref.name)}`, formatMetrics(spec.metrics, status.currentMetrics), minPods,
        num(spec.maxReplicas), num(status.currentReplicas), translateTimestampSince(meta.creationTimestamp, now),
      ],
    };
  },
};
