// policy/v1 poddisruptionbudgets (and the eviction rules), scheduling.k8s.io/v1 priorityclasses, node.k8s.io/v1 runtimeclasses.
import { type FieldError, StatusError, forbiddenField, invalid, notSupported, forbidden } from '../../apimachinery/errors.js';
import { dns1123LabelErrors, validateLabels } from '../../apimachinery/validation.js';
import { defineResource, STATUS } from '../define.js';
import type { Store } from '../store.js';
import type { KObject, ResourceDef, StrategyContext } from '../types.js';
import { checkQuantities, immutable, selectorMatches, validateLabelSelector } from './common.js';
import { podDisruptionBudgetPrinter, priorityClassPrinter, runtimeClassPrinter } from '../printers/misc.js';

const percentRe = /^[0-9]+%$/;

function intOrPercent(v: unknown, path: string, errs: FieldError[]): void {
  if (v === undefined || v === null) return;
  if (typeof v === 'number') {
    if (v < 0) errs.push(invalid(path, v, 'must be greater than or equal to 0'));
  } else if (typeof v === 'string') {
    if (!percentRe.test(v)) errs.push(invalid(path, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
    else if (Number(v.slice(0, -1)) > 100) errs.push(invalid(path, v, 'must not be greater than 100%'));
  }
}

function validatePDB(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  if (spec.minAvailable !== undefined && spec.minAvailable !== null && spec.maxUnavailable !== undefined && spec.maxUnavailable !== null)
    errs.push(invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  intOrPercent(spec.minAvailable, 'spec.minAvailable', errs);
  intOrPercent(spec.maxUnavailable, 'spec.maxUnavailable', errs);
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const p = spec.unhealthyPodEvictionPolicy;
  if (p !== undefined && p !== null && p !== 'AlwaysAllow' && p !== 'IfHealthyBudget') errs.push(notSupported('spec.unhealthyPodEvictionPolicy', p, ['AlwaysAllow', 'IfHealthyBudget']));
  return errs;
}

export const poddisruptionbudgets = defineResource({
  group: 'policy',
  resource: 'poddisruptionbudgets',
  kind: 'PodDisruptionBudget',
  printer: podDisruptionBudgetPrinter,
  shortNames: ['pdb'],
  generation: true,
  subresources: [STATUS],
  strategy: {
    prepareForCreate(obj) {
      obj.spec ??= {};
      obj.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
    },
    validate: validatePDB,
  },
});

function tooManyRequests(retryAfter: number, cause: string): StatusError {
  return new StatusError(
    429,
    'TooManyRequests',
    "Cannot evict pod as it would violate the pod's disruption budget.",
    { causes: [{ reason: 'DisruptionBudget', message: cause }], ...(retryAfter ? { retryAfterSeconds: retryAfter } : {}) },
    retryAfter ? { 'Retry-After': String(retryAfter) } : undefined,
  );
}

export interface EvictionDeps {
  pods: Store;
  pdbs: Store;
  /** Deletes the pod the way DELETE does (grace period, preconditions from the Eviction's deleteOptions). */
  deletePod(ns: string, name: string, deleteOptions: KObject | undefined): Promise<void>;
}

/**
 * `POST pods/<name>/eviction`: the disruption-budget check, then the delete.
 * Returns the Status body the handler sends with 201.
 */
export async function evictPod(deps: EvictionDeps, ns: string, name: string, eviction: KObject, ctx: Omit<StrategyContext, 'namespace'>): Promise<KObject> {
  const pod = await deps.pods.get(ns, name);
  const phase = pod.status?.phase;
  const ignoreBudget = phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
  if (!ignoreBudget) {
    const list = await deps.pdbs.list(ns, {});
    const matching = list.items.filter((pdb) => pdb.spec?.selector && selectorMatches(pdb.spec.selector, pod.metadata.labels));
    if (matching.length > 1)
      throw new StatusError(500, 'InternalError', 'Internal error occurred: This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    if (matching.length === 1) {
      const pdb = matching[0];
      const budgetName = pdb.metadata.name;
      const unhealthyOk = pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow' && !(pod.status?.conditions ?? []).some((c: KObject) => c.type === 'Ready' && c.status === 'True');
      if (!unhealthyOk) {
        if ((pdb.status?.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0))
          throw tooManyRequests(10, `The disruption budget ${budgetName} is still being processed by the server.`);
        if ((pdb.status?.disruptionsAllowed ?? 0) <= 0)
          throw tooManyRequests(0, `The disruption budget ${budgetName} needs ${pdb.status?.desiredHealthy ?? 0} healthy pods and has ${pdb.status?.currentHealthy ?? 0} currently`);
        if (!ctx.dryRun)
          await deps.pdbs.update(
            ns,
            budgetName,
            (cur) => {
              if (!cur) return null;
              cur.status = { ...(cur.status ?? {}) };
              cur.status.disruptionsAllowed = Math.max(0, (cur.status.disruptionsAllowed ?? 0) - 1);
              cur.status.disruptedPods = { ...(cur.status.disruptedPods ?? {}), [name]: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') };
              return cur;
            },
            ctx,
            { raw: true },
          );
      }
    }
  }
  if (!ctx.dryRun) await deps.deletePod(ns, name, eviction.deleteOptions);
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}

const HIGHEST_USER_PRIORITY = 1000000000;
export const SYSTEM_PRIORITY_CLASSES = [
  { name: 'system-node-critical', value: 2000001000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { name: 'system-cluster-critical', value: 2000000000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
];

function validatePriorityClass(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const name: string = obj.metadata?.name ?? '';
  const value = obj.value ?? 0;
  if (name.startsWith('system-')) {
    const known = SYSTEM_PRIORITY_CLASSES.find((s) => s.name === name);
    let why = '';
    if (!known) why = `${name} is not a known system priority class`;
    else if (known.value !== value) why = `value of ${name} PriorityClass must be ${known.value}`;
    else if (obj.globalDefault) why = `globalDefault of ${name} PriorityClass must be false`;
    if (why) errs.push(forbiddenField('metadata.name', `priority class names with 'system-' prefix are reserved for system use only. error: ${why}`));
  } else if (value > HIGHEST_USER_PRIORITY) {
    errs.push(forbiddenField('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_PRIORITY}`));
  }
  if (obj.preemptionPolicy !== undefined && obj.preemptionPolicy !== 'Never' && obj.preemptionPolicy !== 'PreemptLowerPriority')
    errs.push(notSupported('preemptionPolicy', obj.preemptionPolicy, ['Never', 'PreemptLowerPriority']));
  return errs;
}

function defaultPriorityClass(obj: KObject): void {
  obj.preemptionPolicy ??= 'PreemptLowerPriority';
  obj.value ??= 0;
}

export const priorityclasses = defineResource({
  group: 'scheduling.k8s.io',
  resource: 'priorityclasses',
  kind: 'PriorityClass',
  printer: priorityClassPrinter,
  namespaced: false,
  shortNames: ['pc'],
  strategy: {
    prepareForCreate: defaultPriorityClass,
    prepareForUpdate: defaultPriorityClass,
    beforeDelete(obj) {
      if (SYSTEM_PRIORITY_CLASSES.some((s) => s.name === obj.metadata.name))
        throw forbidden({ group: 'scheduling.k8s.io', resource: 'priorityclasses' }, obj.metadata.name, 'this is a system priority class and cannot be deleted');
    },
    validate: validatePriorityClass,
    validateUpdate(obj, old) {
      const errs = validatePriorityClass(obj);
      if (obj.value !== old.value) errs.push(forbiddenField('value', 'may not be changed in an update.'));
      immutable(obj.preemptionPolicy, old.preemptionPolicy, 'preemptionPolicy', errs);
      return errs;
    },
  },
});

function validateRuntimeClass(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const h = obj.handler ?? '';
  for (const m of dns1123LabelErrors(h)) errs.push(invalid('handler', h, m));
  errs.push(...validateLabels(obj.scheduling?.nodeSelector, 'scheduling.nodeSelector'));
  return errs;
}

export const runtimeclasses = defineResource({
  group: 'node.k8s.io',
  resource: 'runtimeclasses',
  kind: 'RuntimeClass',
  printer: runtimeClassPrinter,
  namespaced: false,
  strategy: {
    prepareForCreate: (obj) => checkQuantities('RuntimeClass', 'v1', [obj.overhead?.podFixed]),
    validate: validateRuntimeClass,
    validateUpdate(obj, old) {
      const errs = validateRuntimeClass(obj);
      immutable(obj.handler, old.handler, 'handler', errs);
      return errs;
    },
  },
});

export const policyResources: ResourceDef[] = [poddisruptionbudgets];
export const schedulingResources: ResourceDef[] = [priorityclasses];
export const nodeResources: ResourceDef[] = [runtimeclasses];
