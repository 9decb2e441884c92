// batch/v1 jobs and cronjobs.
import { type FieldError, invalid, notSupported, required } from '../../apimachinery/errors.js';
import { dns1123LabelErrors } from '../../apimachinery/validation.js';
import { defineResource, STATUS } from '../define.js';
import { deepEqual } from '../util.js';
import type { KObject, ResourceDef, StrategyContext } from '../types.js';
import { goMap, goSelector, immutable, invalidRaw, nonNegative, selectorMatches, validateLabelSelector, validatePodTemplate } from './common.js';
import { cronScheduleError } from './cron.js';
import { defaultPodTemplate } from './pod-spec.js';
import { cronJobPrinter, jobPrinter } from '../printers/batch.js';

const JOB_NAME = 'batch.kubernetes.io/job-name';
const CONTROLLER_UID = 'batch.kubernetes.io/controller-uid';
const LEGACY_JOB_NAME = 'job-name';
const LEGACY_CONTROLLER_UID = 'controller-uid';
const MAX_INT32 = 2147483647;

function defaultPodFailurePolicy(spec: KObject): void {
  for (const r of spec.podFailurePolicy?.rules ?? []) for (const p of r.onPodConditions ?? []) p.status ??= 'True';
}

/** SetDefaults_Job; template labels become the job's labels when it has none (after selector generation, as upstream's shared map does). */
function defaultJob(obj: KObject): void {
  const spec = (obj.spec ??= {});
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex !== undefined ? MAX_INT32 : 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  spec.manualSelector ??= false;
  defaultPodFailurePolicy(spec);
  defaultPodTemplate((spec.template ??= {}));
}

function generateSelector(obj: KObject): void {
  const tpl = obj.spec.template;
  const labels = (tpl.metadata.labels ??= {});
  for (const k of [LEGACY_JOB_NAME, JOB_NAME]) labels[k] ??= obj.metadata.name;
  for (const k of [LEGACY_CONTROLLER_UID, CONTROLLER_UID]) labels[k] ??= obj.metadata.uid;
  const sel = (obj.spec.selector ??= {});
  sel.matchLabels ??= {};
  sel.matchLabels[CONTROLLER_UID] ??= obj.metadata.uid;
}

function labelsFromTemplate(obj: KObject): void {
  const labels = obj.spec?.template?.metadata?.labels;
  if (labels && Object.keys(labels).length && Object.keys(obj.metadata.labels ?? {}).length === 0) obj.metadata.labels = { ...labels };
}

function validateGeneratedSelector(obj: KObject, prefixed: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  if (spec.manualSelector === true || !spec.selector) return errs;
  const labels: Record<string, string> = spec.template?.metadata?.labels ?? {};
  const want: Record<string, string> = {};
  const keys: [string, string][] = [[LEGACY_CONTROLLER_UID, obj.metadata.uid], [LEGACY_JOB_NAME, obj.metadata.name]];
  if (prefixed) keys.push([CONTROLLER_UID, obj.metadata.uid], [JOB_NAME, obj.metadata.name]);
  for (const [k, v] of keys) {
    want[k] = v;
    if (!(k in labels)) errs.push(required(`spec.template.metadata.labels[${k}]`, `must be '${v}'`));
    else if (labels[k] !== v) errs.push(invalidRaw(`spec.template.metadata.labels[${k}]`, goMap(labels), `must be '${v}'`));
  }
  if (!selectorMatches(spec.selector, want)) errs.push(invalidRaw('spec.selector', goSelector(spec.selector), '`selector` not auto-generated'));
  return errs;
}

/** validateJobSpec: everything a job template and a job share. */
function validateJobSpec(spec: KObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes'])
    nonNegative(spec[f], `${path}.${f}`, errs);
  if (spec.maxFailedIndexes !== undefined && spec.backoffLimitPerIndex === undefined) errs.push(required(`${path}.backoffLimitPerIndex`, 'when maxFailedIndexes is specified'));
  const mode = spec.completionMode;
  if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(notSupported(`${path}.completionMode`, mode, ['NonIndexed', 'Indexed']));
  if (mode === 'Indexed') {
    if (spec.completions === undefined || spec.completions === null) errs.push(required(`${path}.completions`, 'when completion mode is Indexed'));
    if (typeof spec.parallelism === 'number' && spec.parallelism > 100000) errs.push(invalid(`${path}.parallelism`, spec.parallelism, 'must be less than or equal to 100000 when completion mode is Indexed'));
  } else {
    if (spec.backoffLimitPerIndex !== undefined) errs.push(invalid(`${path}.backoffLimitPerIndex`, spec.backoffLimitPerIndex, 'requires indexed completion mode'));
    if (spec.maxFailedIndexes !== undefined) errs.push(invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, 'requires indexed completion mode'));
    if (spec.successPolicy) errs.push(invalid(`${path}.successPolicy`, spec.successPolicy, 'requires indexed completion mode'));
  }
  if (spec.podReplacementPolicy !== undefined && spec.podReplacementPolicy !== null) {
    if (!['Failed', 'TerminatingOrFailed'].includes(spec.podReplacementPolicy)) errs.push(notSupported(`${path}.podReplacementPolicy`, spec.podReplacementPolicy, ['Failed', 'TerminatingOrFailed']));
    else if (spec.podFailurePolicy && spec.podReplacementPolicy !== 'Failed')
      errs.push(notSupported(`${path}.podReplacementPolicy`, spec.podReplacementPolicy, ['Failed']));
  }
  errs.push(...validatePodTemplate(spec.template, `${path}.template`));
  const rp = spec.template?.spec?.restartPolicy;
  if (rp === 'Always' || !rp) errs.push(required(`${path}.template.spec.restartPolicy`, 'valid values: "OnFailure", "Never"'));
  else if (rp !== 'OnFailure' && rp !== 'Never') errs.push(notSupported(`${path}.template.spec.restartPolicy`, rp, ['OnFailure', 'Never']));
  else if (spec.podFailurePolicy && rp !== 'Never') errs.push(invalid(`${path}.template.spec.restartPolicy`, rp, 'only "Never" is supported when podFailurePolicy is specified'));
  return errs;
}

function validateJob(obj: KObject, prefixed = true): FieldError[] {
  const spec = obj.spec ?? {};
  const errs = validateGeneratedSelector(obj, prefixed);
  errs.push(...validateJobSpec(spec, 'spec'));
  if (!spec.selector) errs.push(required('spec.selector'));
  else errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  if (spec.selector && !selectorMatches(spec.selector, spec.template?.metadata?.labels))
    errs.push(invalidRaw('spec.template.metadata.labels', goMap(spec.template?.metadata?.labels), '`selector` does not match template `labels`'));
  if (spec.completionMode === 'Indexed' && typeof spec.completions === 'number' && spec.completions > 0) {
    const host = `${obj.metadata.name}-${spec.completions - 1}`;
    if (dns1123LabelErrors(host).length) errs.push(invalid('metadata.name', obj.metadata.name, `will not able to create pod with invalid DNS label: ${host}`));
  }
  return errs;
}

/** Template fields a suspended job that never started may still change. */
function schedulingDirectivesStripped(tpl: KObject | undefined): KObject {
  const t = structuredClone(tpl ?? {});
  if (t.spec?.affinity) delete t.spec.affinity.nodeAffinity;
  if (t.spec?.affinity && Object.keys(t.spec.affinity).length === 0) delete t.spec.affinity;
  if (t.spec) {
    delete t.spec.nodeSelector;
    delete t.spec.tolerations;
    delete t.spec.schedulingGates;
  }
  if (t.metadata) {
    delete t.metadata.labels;
    delete t.metadata.annotations;
  }
  return t;
}

function validateJobUpdate(obj: KObject, old: KObject): FieldError[] {
  const oldLabels = old.spec?.template?.metadata?.labels ?? {};
  const errs = validateJob(obj, JOB_NAME in oldLabels && CONTROLLER_UID in oldLabels);
  const spec = obj.spec ?? {};
  const os = old.spec ?? {};
  if (spec.completionMode === 'Indexed') {
    if (!deepEqual(spec.completions, os.completions) && spec.completions !== undefined && spec.completions !== spec.parallelism)
      errs.push(invalid('spec.completions', spec.completions, 'can only be modified in tandem with spec.parallelism'));
  } else immutable(spec.completions, os.completions, 'spec.completions', errs);
  if (!deepEqual(spec.selector, os.selector)) errs.push(invalidRaw('spec.selector', goSelector(spec.selector), 'field is immutable'));
  const mutableScheduling = os.suspend === true && !old.status?.startTime;
  const tplNew = mutableScheduling ? schedulingDirectivesStripped(spec.template) : spec.template;
  const tplOld = mutableScheduling ? schedulingDirectivesStripped(os.template) : os.template;
  immutable(tplNew, tplOld, 'spec.template', errs, spec.template);
  for (const f of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy']) immutable(spec[f], os[f], `spec.${f}`, errs);
  return errs;
}

function nameWarning(obj: KObject, ctx: StrategyContext): void {
  const msgs = dns1123LabelErrors(obj.metadata.name ?? '');
  if (msgs.length) ctx.warnings.push(`metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(' ')}]`);
}

export const jobs = defineResource({
  group: 'batch',
  resource: 'jobs',
  kind: 'Job',
  printer: jobPrinter,
  categories: ['all'],
  generation: true,
  subresources: [STATUS],
  strategy: {
    prepareForCreate(obj, ctx) {
      defaultJob(obj);
      if (obj.spec.manualSelector !== true) generateSelector(obj);
      labelsFromTemplate(obj);
      obj.status = {};
      nameWarning(obj, ctx);
    },
    prepareForUpdate(obj) {
      defaultJob(obj);
      labelsFromTemplate(obj);
    },
    validate: (obj) => validateJob(obj),
    validateUpdate: validateJobUpdate,
    selectableFields: (o) => ({ 'status.successful': String(o.status?.succeeded ?? 0) }),
    unknownFieldLabel: (label) => `field label ${JSON.stringify(label)} not supported for batchv1.Job`,
  },
});

function defaultCronJob(obj: KObject): void {
  const spec = (obj.spec ??= {});
  spec.concurrencyPolicy ||= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  const jt = (spec.jobTemplate ??= {});
  jt.metadata ??= {};
  if (jt.metadata.creationTimestamp === undefined) jt.metadata.creationTimestamp = null;
  jt.spec ??= {};
  defaultPodFailurePolicy(jt.spec);
  defaultPodTemplate((jt.spec.template ??= {}));
}

function validateCronJob(obj: KObject, old?: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  if (!spec.schedule) errs.push(required('spec.schedule'));
  else {
    const err = cronScheduleError(spec.schedule);
    if (err) errs.push(invalid('spec.schedule', spec.schedule, err));
    const allowTZ = typeof old?.spec?.schedule === 'string' && old.spec.schedule.includes('TZ');
    if (allowTZ && spec.schedule.includes('TZ') && spec.timeZone !== undefined && spec.timeZone !== null)
      errs.push(invalid('spec.schedule', spec.schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    else if (!allowTZ && spec.schedule.includes('TZ'))
      errs.push(invalid('spec.schedule', spec.schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  nonNegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds', errs);
  if (spec.timeZone !== undefined && spec.timeZone !== null && (!old || old.spec?.timeZone !== spec.timeZone)) {
    const tz = String(spec.timeZone);
    if (tz === '') errs.push(invalid('spec.timeZone', tz, 'timeZone must be nil or non-empty string'));
    else if (tz.split('/').some((p) => p === '.' || p === '..' || p.startsWith('-') || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(p)))
      errs.push(invalid('spec.timeZone', tz, `unknown time zone ${tz}`));
    else if (tz.toLowerCase() === 'local') errs.push(invalid('spec.timeZone', tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
    else if (!validIANAZone(tz)) errs.push(invalid('spec.timeZone', tz, `unknown time zone ${tz}`));
  }
  const cp = spec.concurrencyPolicy;
  if (!cp) errs.push(required('spec.concurrencyPolicy'));
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp)) errs.push(notSupported('spec.concurrencyPolicy', cp, ['Allow', 'Forbid', 'Replace']));
  const jt = spec.jobTemplate?.spec ?? {};
  errs.push(...validateJobSpec(jt, 'spec.jobTemplate.spec'));
  if (jt.selector) errs.push(invalid('spec.jobTemplate.spec.selector', jt.selector, '`selector` will be auto-generated'));
  if (jt.manualSelector === true) errs.push(notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  nonNegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit', errs);
  nonNegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit', errs);
  return errs;
}

function validIANAZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const cronjobs = defineResource({
  group: 'batch',
  resource: 'cronjobs',
  kind: 'CronJob',
  printer: cronJobPrinter,
  shortNames: ['cj'],
  categories: ['all'],
  generation: true,
  subresources: [STATUS],
  strategy: {
    prepareForCreate(obj) {
      defaultCronJob(obj);
      obj.status = {};
    },
    prepareForUpdate: (obj) => defaultCronJob(obj),
    validate(obj) {
      const errs = validateCronJob(obj);
      if ((obj.metadata.name ?? '').length > 52) errs.push(invalid('metadata.name', obj.metadata.name, 'must be no more than 52 characters'));
      return errs;
    },
    validateUpdate: (obj, old) => validateCronJob(obj, old),
  },
});

export const batchResources: ResourceDef[] = [cronjobs, jobs];
