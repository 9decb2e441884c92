// events.k8s.io/v1 events: the core/v1 Event objects (one storage), renamed fields and stricter validation.
import { type FieldError, invalid, required } from '../../apimachinery/errors.js';
import { dns1123SubdomainErrors, qualifiedNameErrors } from '../../apimachinery/validation.js';
import { defineResource, fieldLabelNotSupported } from '../define.js';
import { deepEqual } from '../util.js';
import type { KObject, ResourceDef } from '../types.js';
import { eventsV1Printer } from '../printers/events.js';

const META = ['apiVersion', 'kind', 'metadata'];

/** core/v1 field ↔ events.k8s.io/v1 field. */
const RENAMES: [string, string][] = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
  ['reportingComponent', 'reportingController'],
];

function rename(obj: KObject, pairs: [string, string][]): KObject {
  const out: KObject = {};
  const map = new Map(pairs);
  for (const [k, v] of Object.entries(obj)) out[map.get(k) ?? k] = v;
  return out;
}

/** Fills the fields Go always serialises (non-pointer structs and times) as upstream's conversion output shows them. */
function withZeroFields(o: KObject, structs: string[], times: string[]): KObject {
  for (const f of structs) o[f] ??= {};
  for (const f of times) if (o[f] === undefined) o[f] = null;
  return o;
}

export function coreEventToV1(core: KObject): KObject {
  const out = rename(core, RENAMES);
  out.apiVersion = 'events.k8s.io/v1';
  out.kind = 'Event';
  for (const k of Object.keys(out)) if (out[k] === '' && !META.includes(k)) delete out[k];
  if (out.deprecatedCount === 0) delete out.deprecatedCount;
  return withZeroFields(out, ['regarding', 'deprecatedSource'], ['eventTime', 'deprecatedFirstTimestamp', 'deprecatedLastTimestamp']);
}

export function v1EventToCore(ev: KObject): KObject {
  const out = rename(ev, RENAMES.map(([a, b]) => [b, a]));
  out.apiVersion = 'v1';
  out.kind = 'Event';
  return withZeroFields(out, ['involvedObject', 'source'], ['eventTime', 'firstTimestamp', 'lastTimestamp']);
}

function isZeroTime(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/** legacyValidateEvent plus the strict rules for writes through events.k8s.io, on the core shape (upstream's field paths). */
function validateStrict(core: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const ns = core.metadata?.namespace ?? '';
  const io = core.involvedObject ?? {};
  if (isZeroTime(core.eventTime)) {
    if (!io.namespace) {
      if (ns !== '' && ns !== 'default') errs.push(invalid('involvedObject.namespace', io.namespace ?? '', 'does not match event.namespace'));
    } else if (ns !== io.namespace) errs.push(invalid('involvedObject.namespace', io.namespace, 'does not match event.namespace'));
  } else {
    if (!io.namespace && ns !== 'default' && ns !== 'kube-system') errs.push(invalid('involvedObject.namespace', io.namespace ?? '', 'does not match event.namespace'));
    const rc = core.reportingComponent ?? '';
    if (!rc) errs.push(required('reportingController'));
    for (const m of qualifiedNameErrors(rc)) errs.push(invalid('reportingController', rc, m));
    const ri = core.reportingInstance ?? '';
    if (!ri) errs.push(required('reportingInstance'));
    if (ri.length > 128) errs.push(invalid('reportingInstance', '', 'can have at most 128 characters'));
    const action = core.action ?? '';
    if (!action) errs.push(required('action'));
    if (action.length > 128) errs.push(invalid('action', '', 'can have at most 128 characters'));
    const reason = core.reason ?? '';
    if (!reason) errs.push(required('reason'));
    if (reason.length > 128) errs.push(invalid('reason', '', 'can have at most 128 characters'));
    if ((core.message ?? '').length > 1024) errs.push(invalid('message', '', 'can have at most 1024 characters'));
  }
  for (const m of dns1123SubdomainErrors(ns)) errs.push(invalid('namespace', ns, m));
  errs.push(...validateSeries(core));
  if (isZeroTime(core.eventTime)) errs.push(required('eventTime'));
  if (core.type !== 'Normal' && core.type !== 'Warning') errs.push(invalid('type', '', `has invalid value: ${core.type ?? ''}`));
  if (!isZeroTime(core.firstTimestamp)) errs.push(invalid('firstTimestamp', '', 'needs to be unset'));
  if (!isZeroTime(core.lastTimestamp)) errs.push(invalid('lastTimestamp', '', 'needs to be unset'));
  if (core.count) errs.push(invalid('count', '', 'needs to be unset'));
  if (core.source?.component || core.source?.host) errs.push(invalid('source', '', 'needs to be unset'));
  return errs;
}

function validateSeries(core: KObject): FieldError[] {
  const errs: FieldError[] = [];
  if (core.series) {
    if (!(core.series.count >= 2)) errs.push(invalid('series.count', '', 'should be at least 2'));
    if (isZeroTime(core.series.lastObservedTime)) errs.push(required('series.lastObservedTime'));
  }
  return errs;
}

const IMMUTABLE_ON_UPDATE = ['involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'type', 'eventTime', 'action', 'related', 'reportingComponent', 'reportingInstance'];

export const eventsV1 = defineResource({
  group: 'events.k8s.io',
  resource: 'events',
  kind: 'Event',
  printer: eventsV1Printer,
  shortNames: ['ev'],
  keyPrefix: '/registry/events/',
  convert: {
    toStorage: (obj) => v1EventToCore(structuredClone(obj)),
    fromStorage: coreEventToV1,
  },
  strategy: {
    // the served object is what a round trip through the stored core form gives back
    prepareForCreate: (obj) => void Object.assign(obj, coreEventToV1(v1EventToCore(structuredClone(obj)))),
    prepareForUpdate: (obj) => void Object.assign(obj, coreEventToV1(v1EventToCore(structuredClone(obj)))),
    validate: (obj) => validateStrict(v1EventToCore(structuredClone(obj))),
    validateUpdate(obj, old) {
      const core = v1EventToCore(structuredClone(obj));
      const oldCore = v1EventToCore(structuredClone(old));
      const errs: FieldError[] = [];
      if (!deepEqual(core.series, oldCore.series)) errs.push(...validateSeries(core));
      for (const f of IMMUTABLE_ON_UPDATE) {
        const path = f === 'reportingComponent' ? 'reportingController' : f;
        if (!deepEqual(core[f] ?? null, oldCore[f] ?? null)) errs.push(invalid(path, core[f] ?? null, 'field is immutable'));
      }
      return errs;
    },
    selectableFields: (o) => ({
      'regarding.kind': o.regarding?.kind ?? '',
      'regarding.namespace': o.regarding?.namespace ?? '',
      'regarding.name': o.regarding?.name ?? '',
      'regarding.uid': o.regarding?.uid ?? '',
      'regarding.apiVersion': o.regarding?.apiVersion ?? '',
      'regarding.resourceVersion': o.regarding?.resourceVersion ?? '',
      'regarding.fieldPath': o.regarding?.fieldPath ?? '',
      reason: o.reason ?? '',
      reportingController: o.reportingController ?? '',
      source: o.deprecatedSource?.component || o.reportingController || '',
      type: o.type ?? '',
    }),
    unknownFieldLabel: fieldLabelNotSupported,
  },
});

export const eventsV1Resources: ResourceDef[] = [eventsV1];
