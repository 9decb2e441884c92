// Pod spec defaulting and validation shared by pods and every kind with a pod template.
import { type FieldError, invalid, notSupported, required, duplicate, forbiddenField } from '../../apimachinery/errors.js';
import { dns1123LabelErrors } from '../../apimachinery/validation.js';
import type { KObject } from '../types.js';
import { deepEqual } from '../util.js';
import { canonicalQuantity } from '../../apimachinery/quantity.js';

function imagePullPolicyFor(image: string | undefined): string {
  if (!image) return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const tagIdx = image.indexOf(':', lastSlash + 1);
  if (tagIdx < 0) return 'Always';
  return image.slice(tagIdx + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: KObject): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.imagePullPolicy ??= imagePullPolicyFor(c.image);
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
    if (!probe) continue;
    probe.timeoutSeconds ??= 1;
    probe.periodSeconds ??= 10;
    probe.successThreshold ??= 1;
    probe.failureThreshold ??= 3;
    if (probe.httpGet) {
      probe.httpGet.path ??= '/';
      probe.httpGet.scheme ??= 'HTTP';
    }
  }
  for (const e of c.env ?? []) {
    if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
  }
}

/** SetDefaults for a PodSpec (pods and templates). */
export function defaultPodSpec(spec: KObject): void {
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) {
    if (v.secret) v.secret.defaultMode ??= 420;
    if (v.configMap) v.configMap.defaultMode ??= 420;
    if (v.projected) v.projected.defaultMode ??= 420;
    if (v.downwardAPI) v.downwardAPI.defaultMode ??= 420;
    if (v.hostPath) v.hostPath.type ??= '';
    if (v.emptyDir === null) v.emptyDir = {};
  }
}

/** A pod template (deployments, replicasets, jobs, …): defaults on its spec and `creationTimestamp: null`. */
export function defaultPodTemplate(tpl: KObject | undefined): void {
  if (!tpl) return;
  tpl.metadata ??= {};
  if (tpl.metadata.creationTimestamp === undefined) tpl.metadata.creationTimestamp = null;
  tpl.spec ??= {};
  defaultPodSpec(tpl.spec);
}

const restartPolicies = ['Always', 'OnFailure', 'Never'];
const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const pullPolicies = ['Always', 'IfNotPresent', 'Never'];
const protocols = ['SCTP', 'TCP', 'UDP'];

/** What every kind of container needs: to be an object, a unique DNS-label name, an image, a known pull policy (false: not an object). */
function validContainerCommon(c: KObject, p: string, names: Set<string>, errs: FieldError[]): boolean {
  if (!c || typeof c !== 'object') {
    errs.push(invalid(p, c, 'must be an object'));
    return false;
  }
  if (!c.name) errs.push(required(`${p}.name`));
  else {
    for (const m of dns1123LabelErrors(c.name)) errs.push(invalid(`${p}.name`, c.name, m));
    if (names.has(c.name)) errs.push(duplicate(`${p}.name`, c.name));
    names.add(c.name);
  }
  if (!c.image) errs.push(required(`${p}.image`));
  if (c.imagePullPolicy && !pullPolicies.includes(c.imagePullPolicy)) errs.push(notSupported(`${p}.imagePullPolicy`, c.imagePullPolicy, pullPolicies));
  return true;
}

function validateContainers(list: unknown, path: string, names: Set<string>, errs: FieldError[], requireOne: boolean): void {
  if (!Array.isArray(list) || list.length === 0) {
    if (requireOne) errs.push(required(path));
    return;
  }
  list.forEach((c: KObject, i: number) => {
    const p = `${path}[${i}]`;
    if (!validContainerCommon(c, p, names, errs)) return;
    const portNames = new Set<string>();
    (c.ports ?? []).forEach((port: KObject, j: number) => {
      const pp = `${p}.ports[${j}]`;
      const n = port.containerPort;
      if (n === undefined || n === 0) errs.push(required(`${pp}.containerPort`));
      else if (!Number.isInteger(n) || n < 1 || n > 65535) errs.push(invalid(`${pp}.containerPort`, n, 'must be between 1 and 65535, inclusive'));
      if (port.hostPort !== undefined && port.hostPort !== 0 && (port.hostPort < 1 || port.hostPort > 65535)) errs.push(invalid(`${pp}.hostPort`, port.hostPort, 'must be between 1 and 65535, inclusive'));
      if (port.protocol && !protocols.includes(port.protocol)) errs.push(notSupported(`${pp}.protocol`, port.protocol, protocols));
      if (port.name) {
        if (portNames.has(port.name)) errs.push(duplicate(`${pp}.name`, port.name));
        portNames.add(port.name);
      }
    });
  });
}

export function validatePodSpec(spec: KObject | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec || typeof spec !== 'object') {
    errs.push(required(`${path}.containers`));
    return errs;
  }
  const names = new Set<string>();
  validateContainers(spec.containers, `${path}.containers`, names, errs, true);
  validateContainers(spec.initContainers, `${path}.initContainers`, names, errs, false);
  validateEphemeralContainers(spec, `${path}.ephemeralContainers`, names, errs);
  if (spec.restartPolicy && !restartPolicies.includes(spec.restartPolicy)) errs.push(notSupported(`${path}.restartPolicy`, spec.restartPolicy, restartPolicies));
  if (spec.dnsPolicy && !dnsPolicies.includes(spec.dnsPolicy)) errs.push(notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, dnsPolicies));
  const volNames = new Set<string>();
  (spec.volumes ?? []).forEach((v: KObject, i: number) => {
    const vp = `${path}.volumes[${i}]`;
    if (!v?.name) errs.push(required(`${vp}.name`));
    else {
      for (const m of dns1123LabelErrors(v.name)) errs.push(invalid(`${vp}.name`, v.name, m));
      if (volNames.has(v.name)) errs.push(duplicate(`${vp}.name`, v.name));
      volNames.add(v.name);
    }
  });
  if (spec.terminationGracePeriodSeconds !== undefined && spec.terminationGracePeriodSeconds < 0)
    errs.push(invalid(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds, 'must be greater than or equal to 0'));
  return errs;
}

/** Fields of a container an ephemeral container may not have (upstream's allow list, by their JSON names). */
const NOT_FOR_EPHEMERAL = ['ports', 'resources', 'resizePolicy', 'restartPolicy', 'lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'];
const EPHEMERAL_FORBIDS = 'cannot be set for an Ephemeral Container';

/** Ephemeral containers: named uniquely among all the pod's containers, an image, no ports, resources, probes or lifecycle. */
function validateEphemeralContainers(spec: KObject, path: string, names: Set<string>, errs: FieldError[]): void {
  const list = spec.ephemeralContainers;
  if (!Array.isArray(list)) return;
  const targets = new Set([...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c: KObject) => c?.name));
  list.forEach((c: KObject, i: number) => {
    const p = `${path}[${i}]`;
    if (!validContainerCommon(c, p, names, errs)) return;
    for (const f of NOT_FOR_EPHEMERAL) {
      const v = c[f];
      const set = f === 'resources' ? v && (Object.keys(v.requests ?? {}).length || Object.keys(v.limits ?? {}).length || (v.claims ?? []).length) : v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
      if (set) errs.push(forbiddenField(`${p}.${f}`, EPHEMERAL_FORBIDS));
    }
    (c.volumeMounts ?? []).forEach((m: KObject, j: number) => {
      for (const f of ['subPath', 'subPathExpr']) if (m?.[f]) errs.push(forbiddenField(`${p}.volumeMounts[${j}].${f}`, EPHEMERAL_FORBIDS));
    });
    if (c.targetContainerName && !targets.has(c.targetContainerName)) errs.push({ type: 'FieldValueNotFound', field: `${p}.targetContainerName`, badValue: c.targetContainerName });
  });
}

/**
 * An update through pods/ephemeralcontainers: containers may only be added; those already there may be neither
 * removed nor changed, and static pods have none.
 */
export function validateEphemeralContainersUpdate(spec: KObject, old: KObject, mirror: boolean): FieldError[] {
  if (mirror) return [forbiddenField('', 'static pods do not support ephemeral containers')];
  const errs: FieldError[] = [];
  const next = new Map(((spec.ephemeralContainers ?? []) as KObject[]).map((c) => [c?.name, c]));
  for (const c of (old.ephemeralContainers ?? []) as KObject[]) {
    const now = next.get(c.name);
    if (!now) errs.push(forbiddenField('spec.ephemeralContainers', `existing ephemeral containers ${JSON.stringify(c.name)} may not be removed`));
    else if (!deepEqual(now, c)) errs.push(forbiddenField('spec.ephemeralContainers', `existing ephemeral containers ${JSON.stringify(c.name)} may not be changed`));
  }
  return errs;
}

/** QoS class as upstream computes it from requests and limits. */
export function qosClass(spec: KObject): string {
  const all = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  let anySet = false;
  let guaranteed = true;
  for (const c of all) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) anySet = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined) guaranteed = false;
      else if (req[r] !== undefined && (canonicalQuantity(req[r]) ?? String(req[r])) !== (canonicalQuantity(lim[r]) ?? String(lim[r]))) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
