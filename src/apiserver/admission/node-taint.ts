// TaintNodesByCondition: a new Node starts tainted not-ready:NoSchedule, so nothing is scheduled onto it
// before the node lifecycle controller has seen it Ready and taken the taint off.
import type { AdmissionAttributes, KObject } from '../../registry/types.js';

const NOT_READY = 'node.kubernetes.io/not-ready';

export function nodeTaintHandles(a: AdmissionAttributes): boolean {
  return a.operation === 'CREATE' && !a.subresource && a.def.group === '' && a.def.resource === 'nodes';
}

/** Adds the taint unless one with its key and effect is there already; true when it did. */
export function addNotReadyTaint(node: KObject): boolean {
  const spec = (node.spec ??= {});
  const taints: KObject[] = spec.taints ?? [];
  if (taints.some((t) => t.key === NOT_READY && t.effect === 'NoSchedule')) return false;
  spec.taints = [...taints, { key: NOT_READY, effect: 'NoSchedule' }];
  return true;
}
