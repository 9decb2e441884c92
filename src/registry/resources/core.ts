// core/v1 kinds of the walking skeleton.
import { type FieldError, invalid, invalidError, notSupported, required, forbiddenField, forbidden } from '../../apimachinery/errors.js';
import { AllocationError } from '../allocators.js';
import { goStrings, invalidRaw } from './common.js';
import { deepEqual } from '../util.js';
import { defineResource, fieldLabelNotSupported, STATUS } from '../define.js';
import { generateNameSuffix } from '../util.js';
import type { KObject, ResourceDef, StrategyContext } from '../types.js';
import { dropNonResizeUpdates, validatePodResize } from './pod-resize.js';
import { defaultPodSpec, qosClass, validateEphemeralContainersUpdate, validatePodSpec } from './pod-spec.js';
import { configMapPrinter, endpointsPrinter, namespacePrinter, nodePrinter, secretPrinter, serviceAccountPrinter, servicePrinter } from '../printers/core.js';
import { eventPrinter } from '../printers/events.js';
import { podPrinter } from '../printers/pod.js';

const configKeyRe = /^[-._a-zA-Z0-9]+$/;
const CONFIG_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

function validateConfigKeys(data: unknown, path: string, errs: FieldError[]): void {
  if (!data || typeof data !== 'object') return;
  for (const k of Object.keys(data)) {
    if (k.length > 253) errs.push(invalid(`${path}[${k}]`, k, 'must be no more than 253 characters'));
    if (!configKeyRe.test(k)) errs.push(invalid(`${path}[${k}]`, k, CONFIG_KEY_MSG));
    if (k === '.' || k === '..' || k.startsWith('..')) errs.push(invalid(`${path}[${k}]`, k, k === '.' ? "must not be '.'" : k === '..' ? "must not be '..'" : "must not start with '..'"));
  }
}

function immutableDataErrors(obj: KObject, old: KObject): FieldError[] {
  const errs: FieldError[] = [];
  if (old.immutable === true) {
    if (obj.immutable !== true) errs.push(forbiddenField('immutable', 'field is immutable when `immutable` is set'));
    if (!deepEqual(obj.data, old.data)) errs.push(forbiddenField('data', 'field is immutable when `immutable` is set'));
    if (!deepEqual(obj.binaryData, old.binaryData) && old.kind === 'ConfigMap') errs.push(forbiddenField('binaryData', 'field is immutable when `immutable` is set'));
  }
  return errs;
}

const base64Re = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const namespaces = defineResource({
  resource: 'namespaces',
  kind: 'Namespace',
  printer: namespacePrinter,
  namespaced: false,
  shortNames: ['ns'],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [{ name: 'finalize', verbs: ['update'] }, STATUS],
  nameValidation: 'label',
  returnDeletedObject: true,
  keepsStatusOnCreate: true,
  strategy: {
    // spec.finalizers keep a deleted namespace until the namespace controller empties it and finalizes it
    pendingFinalizers: (obj) => obj.spec?.finalizers ?? [],
    prepareForDelete(obj) {
      obj.status = { ...(obj.status ?? {}), phase: 'Terminating' };
    },
    prepareForCreate(obj) {
      obj.spec = { ...(obj.spec ?? {}) };
      obj.spec.finalizers ??= ['kubernetes'];
      obj.status = { phase: 'Active' };
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
    },
    prepareForUpdate(obj, old) {
      obj.spec = structuredClone(old.spec ?? {});
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
    },
    selectableFields: (o) => ({ 'status.phase': o.status?.phase ?? '' }),
    unknownFieldLabel: fieldLabelNotSupported,
  },
});

export const configmaps = defineResource({
  resource: 'configmaps',
  kind: 'ConfigMap',
  printer: configMapPrinter,
  shortNames: ['cm'],
  strategy: {
    validate: validateConfigMap,
    validateUpdate: (obj, old) => [...immutableDataErrors(obj, old), ...validateConfigMap(obj)],
  },
});

/** ConfigMaps and Secrets hold at most 1 MiB of data (upstream's MaxSecretSize). */
const MAX_DATA_SIZE = 1024 * 1024;

function validateConfigMap(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  validateConfigKeys(obj.data, 'data', errs);
  let size = 0;
  for (const [k, v] of Object.entries(obj.data ?? {})) {
    if (obj.binaryData && k in obj.binaryData) errs.push(invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    size += Buffer.byteLength(String(v));
  }
  validateConfigKeys(obj.binaryData, 'binaryData', errs);
  for (const v of Object.values(obj.binaryData ?? {})) size += Buffer.from(String(v), 'base64').length;
  // the whole object is too large: upstream names no field
  if (size > MAX_DATA_SIZE) errs.push({ type: 'FieldValueTooLong', field: '', detail: `may not be more than ${MAX_DATA_SIZE} bytes` });
  return errs;
}

const secretTypes: Record<string, string[]> = {
  'kubernetes.io/service-account-token': [],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/basic-auth': [],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'bootstrap.kubernetes.io/token': [],
};

function validateSecret(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  validateConfigKeys(obj.data, 'data', errs);
  for (const [k, v] of Object.entries(obj.data ?? {})) {
    if (typeof v !== 'string' || !base64Re.test(v)) errs.push(invalid(`data[${k}]`, '<secret contents redacted>', 'must be a base64 encoded string'));
  }
  const size = Object.values(obj.data ?? {}).reduce((n: number, v) => n + (typeof v === 'string' ? Buffer.from(v, 'base64').length : 0), 0);
  if (size > MAX_DATA_SIZE) errs.push({ type: 'FieldValueTooLong', field: 'data', detail: `may not be more than ${MAX_DATA_SIZE} bytes` });
  const need = secretTypes[obj.type];
  for (const key of need ?? []) if (!obj.data || !(key in obj.data)) errs.push(required(`data[${key}]`));
  if (obj.type === 'kubernetes.io/service-account-token' && !obj.metadata.annotations?.['kubernetes.io/service-account.name'])
    errs.push(required("metadata.annotations[kubernetes.io/service-account.name]"));
  if (obj.type === 'kubernetes.io/basic-auth' && obj.data && !('username' in obj.data) && !('password' in obj.data))
    errs.push(required('data[username]'), required('data[password]'));
  return errs;
}

export const secrets = defineResource({
  resource: 'secrets',
  kind: 'Secret',
  printer: secretPrinter,
  strategy: {
    prepareForCreate(obj) {
      obj.type ??= 'Opaque';
      mergeStringData(obj);
    },
    prepareForUpdate(obj, old) {
      obj.type ??= old.type;
      mergeStringData(obj);
    },
    validate: validateSecret,
    validateUpdate(obj, old) {
      // as upstream's ValidateSecretUpdate: type and immutability first, then the secret itself
      const errs: FieldError[] = obj.type !== old.type ? [invalid('type', obj.type, 'field is immutable')] : [];
      return [...errs, ...immutableDataErrors(obj, old), ...validateSecret(obj)];
    },
    selectableFields: (o) => ({ type: o.type ?? '' }),
    unknownFieldLabel: fieldLabelNotSupported,
  },
});

function mergeStringData(obj: KObject): void {
  if (obj.stringData && typeof obj.stringData === 'object') {
    obj.data ??= {};
    for (const [k, v] of Object.entries(obj.stringData)) obj.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  }
  delete obj.stringData;
}

export const serviceaccounts = defineResource({
  resource: 'serviceaccounts',
  kind: 'ServiceAccount',
  printer: serviceAccountPrinter,
  shortNames: ['sa'],
  subresources: [{ name: 'token', group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] }],
  returnDeletedObject: true,
});

function podSelectableFields(o: KObject): Record<string, string> {
  return {
    'spec.nodeName': o.spec?.nodeName ?? '',
    'spec.restartPolicy': o.spec?.restartPolicy ?? '',
    'spec.schedulerName': o.spec?.schedulerName ?? '',
    'spec.serviceAccountName': o.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': String(o.spec?.hostNetwork ?? false),
    'status.phase': o.status?.phase ?? '',
    'status.podIP': o.status?.podIP ?? '',
    'status.podIPs': o.status?.podIP ?? '',
    'status.nominatedNodeName': o.status?.nominatedNodeName ?? '',
    // what old v1 clients send for spec.nodeName
    'spec.host': o.spec?.nodeName ?? '',
  };
}

/** SetDefaults_Pod: the pod spec's defaults and those only a pod (not a template) gets. */
function defaultPod(obj: KObject): void {
  obj.spec ??= {};
  defaultPodSpec(obj.spec);
  obj.spec.enableServiceLinks ??= true;
  // a resource with a limit and no request is requested at its limit (pods only, not templates)
  for (const c of [...(obj.spec.containers ?? []), ...(obj.spec.initContainers ?? [])]) {
    if (c.resources?.limits) c.resources.requests = { ...c.resources.limits, ...(c.resources.requests ?? {}) };
  }
}

const SA_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/** What the ServiceAccount and DefaultTolerationSeconds admission plugins (those enabled) add to a new pod. */
async function admitPod(obj: KObject, ctx: StrategyContext): Promise<void> {
  const plugins = ctx.services.admissionPlugins;
  const spec = obj.spec;
  if (plugins && !plugins.has('ServiceAccount')) return admitTolerations(spec, plugins);
  // a mirror pod (a kubelet's static pod) is not changed, only checked
  if (obj.metadata?.annotations?.[MIRROR_POD] !== undefined) checkMirrorPod(obj, ctx);
  else {
    if (spec.serviceAccountName === undefined && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
    spec.serviceAccountName ||= 'default';
    spec.serviceAccount = spec.serviceAccountName;
    const sa = await lookUpServiceAccount(obj, ctx);
    if ((spec.automountServiceAccountToken ?? sa?.automountServiceAccountToken) !== false) mountServiceAccountToken(spec);
    if (sa && !(spec.imagePullSecrets ?? []).length && (sa.imagePullSecrets ?? []).length) spec.imagePullSecrets = sa.imagePullSecrets.map((r: KObject) => ({ name: r.name }));
  }
  admitTolerations(spec, plugins);
}

const MIRROR_POD = 'kubernetes.io/config.mirror';

/** The name admission errors show: a generated name is not made yet at admission upstream, so its prefix. */
const admissionName = (pod: KObject, ctx: StrategyContext): string => (ctx.nameGenerated ? pod.metadata.generateName : pod.metadata.name) ?? '';
const SA_LOOKUP_ATTEMPTS = 10;

/**
 * The pod's ServiceAccount, or a 403 as upstream's plugin refuses a pod whose account does not exist; the `default`
 * account is looked for again for a while (the serviceaccount controller makes it for a new namespace).
 */
async function lookUpServiceAccount(pod: KObject, ctx: StrategyContext): Promise<KObject | undefined> {
  const lookUp = ctx.services.serviceAccount;
  if (!lookUp) return undefined;
  const name: string = pod.spec.serviceAccountName;
  const attempts = name === 'default' ? SA_LOOKUP_ATTEMPTS : 1;
  const pause = 100 + Math.floor(Math.random() * 100);
  for (let i = 0; i < attempts; i++) {
    if (i) await new Promise((r) => setTimeout(r, pause));
    const sa = await lookUp(ctx.namespace, name);
    if (sa) return sa;
  }
  throw forbidden({ group: '', resource: 'pods' }, admissionName(pod, ctx), `error looking up service account ${ctx.namespace}/${name}: serviceaccount "${name}" not found`);
}

/** The projected token volume (kube-api-access-*), mounted in each container that has nothing at the path yet (init containers first). */
function mountServiceAccountToken(spec: KObject): void {
  const volName = `kube-api-access-${generateNameSuffix()}`;
  let needed = false;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if ((c.volumeMounts ?? []).some((m: KObject) => m.mountPath === SA_MOUNT)) continue;
    c.volumeMounts = [...(c.volumeMounts ?? []), { name: volName, readOnly: true, mountPath: SA_MOUNT }];
    needed = true;
  }
  if (!needed) return;
  spec.volumes = [
    ...(spec.volumes ?? []),
    {
      name: volName,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    },
  ];
}

/** A mirror pod (a kubelet's static pod) may not use an account, secrets or token projections (upstream's texts). */
function checkMirrorPod(pod: KObject, ctx: StrategyContext): void {
  const spec = pod.spec;
  const refuse = (why: string) => forbidden({ group: '', resource: 'pods' }, admissionName(pod, ctx), why);
  if (spec.serviceAccountName || spec.serviceAccount) throw refuse('a mirror pod may not reference service accounts');
  const containers: KObject[] = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  const usesSecret =
    (spec.imagePullSecrets ?? []).length > 0 ||
    containers.some((c) => (c.envFrom ?? []).some((e: KObject) => e.secretRef) || (c.env ?? []).some((e: KObject) => e.valueFrom?.secretKeyRef)) ||
    (spec.volumes ?? []).some((v: KObject) => v.secret || (v.projected?.sources ?? []).some((src: KObject) => src.secret) || v.csi?.nodePublishSecretRef);
  if (usesSecret) throw refuse('a mirror pod may not reference secrets');
  if ((spec.volumes ?? []).some((v: KObject) => (v.projected?.sources ?? []).some((src: KObject) => src.serviceAccountToken))) throw refuse('a mirror pod may not use ServiceAccountToken volume projections');
}

function admitTolerations(spec: KObject, plugins: ReadonlySet<string> | undefined): void {
  if (plugins && !plugins.has('DefaultTolerationSeconds')) return;
  const tolerations: KObject[] = spec.tolerations ?? [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => (t.key === key || (t.operator === 'Exists' && !t.key)) && (!t.effect || t.effect === 'NoExecute')))
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
}

/**
 * The Priority admission plugin: a pod's priority and preemption policy come from its PriorityClass, or
 * from the globalDefault class (whose name it then takes), or are 0 and PreemptLowerPriority; a class
 * that does not exist, or values that disagree with the class, are refused.
 */
async function admitPodPriority(obj: KObject, ctx: StrategyContext): Promise<void> {
  const spec = obj.spec;
  const classes = (await ctx.services.priorityClasses?.()) ?? [];
  let value = 0;
  let policy = 'PreemptLowerPriority';
  const gr = { group: '', resource: 'pods' };
  const name = obj.metadata?.name ?? '';
  if (!spec.priorityClassName) {
    const def = classes.filter((c) => c.globalDefault).sort((a, b) => (a.value ?? 0) - (b.value ?? 0))[0];
    if (def) {
      spec.priorityClassName = def.metadata.name;
      value = def.value ?? 0;
      policy = def.preemptionPolicy ?? policy;
    }
  } else {
    const pc = classes.find((c) => c.metadata?.name === spec.priorityClassName);
    if (!pc) throw forbidden(gr, name, `no PriorityClass with name ${spec.priorityClassName} was found`);
    value = pc.value ?? 0;
    policy = pc.preemptionPolicy ?? policy;
  }
  if (spec.priority !== undefined && spec.priority !== null && spec.priority !== value)
    throw forbidden(gr, name, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`);
  spec.priority = value;
  if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== null && spec.preemptionPolicy !== policy)
    throw forbidden(gr, name, `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
  spec.preemptionPolicy = policy;
}

export const pods = defineResource({
  resource: 'pods',
  kind: 'Pod',
  printer: podPrinter,
  shortNames: ['po'],
  categories: ['all'],
  returnDeletedObject: true,
  keepsStatusOnCreate: true,
  subresources: [
    { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
    { name: 'binding', kind: 'Binding', verbs: ['create'] },
    { name: 'ephemeralcontainers', verbs: ['get', 'patch', 'update'] },
    { name: 'eviction', group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
    { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
    { name: 'log', kind: 'Pod', verbs: ['get'] },
    { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
    { name: 'proxy', kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
    { name: 'resize', verbs: ['get', 'patch', 'update'] },
    STATUS,
  ],
  statusSubresource: true,
  strategy: {
    async prepareForCreate(obj, ctx) {
      defaultPod(obj);
      await admitPod(obj, ctx);
      if (ctx.services.admissionPlugins?.has('Priority') ?? true) await admitPodPriority(obj, ctx);
      obj.status = { phase: 'Pending', qosClass: qosClass(obj.spec) };
    },
    // Go decodes every body with defaults: a PUT without them means the defaults, not a change
    prepareForUpdate(obj, old, ctx) {
      defaultPod(obj);
      if (ctx?.subresource === 'resize') dropNonResizeUpdates(obj, old);
    },
    validate(obj) {
      return validatePodSpec(obj.spec, 'spec');
    },
    validateUpdate(obj, old, ctx) {
      const errs = validatePodSpec(obj.spec, 'spec');
      if (ctx?.subresource === 'resize') return [...errs, ...validatePodResize(obj, old)];
      if (ctx?.subresource === 'ephemeralcontainers') return [...errs, ...validateEphemeralContainersUpdate(obj.spec, old.spec ?? {}, old.metadata?.annotations?.[MIRROR_POD] !== undefined)];
      const strip = (s: KObject) => {
        const c = structuredClone(s ?? {});
        for (const x of [...(c.containers ?? []), ...(c.initContainers ?? [])]) delete x.image;
        delete c.activeDeadlineSeconds;
        delete c.tolerations;
        delete c.terminationGracePeriodSeconds;
        delete c.schedulingGates;
        // pods stored before this default was set read as if they had it, as upstream's decoding defaults them
        if (c.enableServiceLinks === true) delete c.enableServiceLinks;
        return c;
      };
      if (!deepEqual(strip(obj.spec), strip(old.spec)))
        errs.push(forbiddenField('spec', 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)'));
      return errs;
    },
    selectableFields: podSelectableFields,
    unknownFieldLabel: fieldLabelNotSupported,
    // as upstream: pods not on a node, or finished, go at once; others get their grace period
    gracePeriod(pod, requested) {
      if (!pod.spec?.nodeName) return 0;
      if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') return 0;
      return Math.max(0, requested ?? pod.spec?.terminationGracePeriodSeconds ?? 30);
    },
  },
});

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

/** Defaults, and the clusterIP/clusterIPs pair as upstream's patchAllocatedValues and normalizeClusterIPs leave it. */
function prepareService(obj: KObject, old?: KObject): void {
  const spec = (obj.spec ??= {});
  spec.type ??= 'ClusterIP';
  if (spec.type !== 'ExternalName') {
    spec.sessionAffinity ??= 'None';
    spec.internalTrafficPolicy ??= 'Cluster';
    for (const p of spec.ports ?? []) {
      p.protocol ??= 'TCP';
      if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
    }
    spec.ipFamilyPolicy ??= 'SingleStack';
    spec.ipFamilies ??= ['IPv4'];
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
      spec.externalTrafficPolicy ??= 'Cluster';
      if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
    }
  }
  const ips = (s: KObject | undefined): string[] => (Array.isArray(s?.spec?.clusterIPs) ? s.spec.clusterIPs : []);
  if (!old) {
    if (spec.clusterIP && !ips(obj).length) spec.clusterIPs = [spec.clusterIP];
    obj.status = { loadBalancer: {} };
    return;
  }
  const oldSpec = old.spec ?? {};
  if (spec.type !== 'ExternalName' && oldSpec.type !== 'ExternalName') {
    // a resubmitted manifest keeps what was allocated for it
    if (!spec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
    if (!ips(obj).length && ips(old).length) spec.clusterIPs = [...ips(old)];
    const used = new Set<number>();
    const oldPorts: KObject[] = oldSpec.ports ?? [];
    for (const p of spec.ports ?? []) if (p.nodePort && oldPorts.some((q) => q.nodePort === p.nodePort)) used.add(p.nodePort);
    for (const p of spec.ports ?? []) {
      const prev = oldPorts.find((q) => (q.name ?? '') === (p.name ?? ''));
      if (!p.nodePort && prev?.nodePort && !used.has(prev.nodePort) && (spec.type === 'NodePort' || spec.type === 'LoadBalancer')) p.nodePort = prev.nodePort;
    }
  }
  const same = deepEqual(ips(obj), ips(old));
  if (oldSpec.clusterIP !== spec.clusterIP) {
    if (oldSpec.clusterIP && !spec.clusterIP) {
      if (same) delete spec.clusterIPs;
    } else if (same) spec.clusterIPs = [spec.clusterIP];
  }
}

/** After validation, as upstream's BeginCreate/BeginUpdate: the cluster IP and node ports this service still needs. */
async function allocateService(obj: KObject, ctx: StrategyContext, old?: KObject): Promise<void> {
  const spec = obj.spec;
  if (spec.type === 'ExternalName') return;
  const failed = (field: string, value: string, e: unknown): never => {
    if (!(e instanceof AllocationError)) throw e;
    throw invalidError({ group: '', kind: 'Service' }, obj.metadata?.name ?? '', [invalidRaw(field, value, e.message)]);
  };
  if (!old?.spec?.clusterIP || old.spec.type === 'ExternalName') {
    const requested = spec.clusterIP || undefined;
    if (requested !== 'None') {
      spec.clusterIP = await ctx.services.allocateClusterIP(requested).catch((e) => failed('spec.clusterIPs', goStrings(spec.clusterIPs ?? []), e));
    }
    spec.clusterIPs = [spec.clusterIP];
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    const oldPorts = new Set<number>((old?.spec?.ports ?? []).map((p: KObject) => p.nodePort).filter(Boolean));
    const ports: KObject[] = spec.ports ?? [];
    for (let i = 0; i < ports.length; i++) {
      const p = ports[i];
      if (p.nodePort && oldPorts.has(p.nodePort)) continue;
      p.nodePort = await ctx.services.allocateNodePort(p.nodePort || undefined).catch((e) => failed(`spec.ports[${i}].nodePort`, String(p.nodePort), e));
    }
  }
}

function validateService(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  if (!serviceTypes.includes(spec.type)) errs.push(notSupported('spec.type', spec.type, serviceTypes));
  if (spec.type === 'ExternalName') {
    if (!spec.externalName) errs.push(required('spec.externalName'));
  } else if (spec.clusterIP !== 'None' && (!Array.isArray(spec.ports) || spec.ports.length === 0)) {
    errs.push(required('spec.ports'));
  }
  const names = new Set<string>();
  (spec.ports ?? []).forEach((p: KObject, i: number) => {
    const pp = `spec.ports[${i}]`;
    if ((spec.ports.length > 1 || p.name) && !p.name) errs.push(required(`${pp}.name`));
    if (p.name) {
      if (names.has(p.name)) errs.push({ type: 'FieldValueDuplicate', field: `${pp}.name`, badValue: p.name });
      names.add(p.name);
    }
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) errs.push(invalid(`${pp}.port`, p.port, 'must be between 1 and 65535, inclusive'));
    if (p.protocol && !['TCP', 'UDP', 'SCTP'].includes(p.protocol)) errs.push(notSupported(`${pp}.protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
    if (typeof p.targetPort === 'number' && (p.targetPort < 1 || p.targetPort > 65535)) errs.push(invalid(`${pp}.targetPort`, p.targetPort, 'must be between 1 and 65535, inclusive'));
    if (p.nodePort !== undefined && spec.type === 'ClusterIP') errs.push(forbiddenField(`${pp}.nodePort`, 'may not be used when `type` is \'ClusterIP\''));
  });
  return errs;
}

export const services = defineResource({
  resource: 'services',
  kind: 'Service',
  printer: servicePrinter,
  shortNames: ['svc'],
  categories: ['all'],
  nameValidation: 'dns1035',
  returnDeletedObject: true,
  subresources: [{ name: 'proxy', kind: 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] }, STATUS],
  strategy: {
    prepareForCreate: (obj) => prepareService(obj),
    prepareForUpdate: (obj, old) => prepareService(obj, old),
    validate: validateService,
    validateUpdate(obj, old) {
      // as upstream's ValidateServiceUpdate: the primary cluster IP is checked before the service itself
      const errs: FieldError[] = [];
      const before: string[] = old.spec?.clusterIPs ?? [];
      const after: string[] = obj.spec?.clusterIPs ?? [];
      if (old.spec?.type !== 'ExternalName' && obj.spec?.type !== 'ExternalName' && before.length && after.length && before[0] !== after[0])
        errs.push(invalidRaw('spec.clusterIPs[0]', goStrings(after), 'may not change once set'));
      return [...errs, ...validateService(obj)];
    },
    selectableFields: (o) => ({ 'spec.clusterIP': o.spec?.clusterIP ?? '', 'spec.type': o.spec?.type ?? '' }),
    unknownFieldLabel: fieldLabelNotSupported,
    beginCreate: (obj, ctx) => allocateService(obj, ctx),
    beginUpdate: (obj, old, ctx) => allocateService(obj, ctx, old),
    afterDelete(obj, ctx) {
      if (obj.spec?.clusterIP && obj.spec.clusterIP !== 'None') ctx.services.releaseClusterIP(obj.spec.clusterIP);
      for (const p of obj.spec?.ports ?? []) if (p.nodePort) ctx.services.releaseNodePort(p.nodePort);
    },
  },
});

export const endpoints = defineResource({
  resource: 'endpoints',
  kind: 'Endpoints',
  printer: endpointsPrinter,
  singular: 'endpoints',
  shortNames: ['ep'],
  allowCreateOnUpdate: true,
});

export const events = defineResource({
  resource: 'events',
  kind: 'Event',
  printer: eventPrinter,
  shortNames: ['ev'],
  allowCreateOnUpdate: true,
  strategy: {
    validate(obj) {
      const errs: FieldError[] = [];
      const io = obj.involvedObject ?? {};
      if (io.namespace && io.namespace !== obj.metadata.namespace) errs.push(invalid('involvedObject.namespace', io.namespace, 'does not match event.namespace'));
      return errs;
    },
    selectableFields: (o) => ({
      'involvedObject.kind': o.involvedObject?.kind ?? '',
      'involvedObject.namespace': o.involvedObject?.namespace ?? '',
      'involvedObject.name': o.involvedObject?.name ?? '',
      'involvedObject.uid': o.involvedObject?.uid ?? '',
      'involvedObject.apiVersion': o.involvedObject?.apiVersion ?? '',
      'involvedObject.resourceVersion': o.involvedObject?.resourceVersion ?? '',
      'involvedObject.fieldPath': o.involvedObject?.fieldPath ?? '',
      reason: o.reason ?? '',
      reportingComponent: o.reportingComponent ?? '',
      source: o.source?.component || o.reportingComponent || '',
      type: o.type ?? '',
    }),
    unknownFieldLabel: fieldLabelNotSupported,
  },
});

export const nodes = defineResource({
  resource: 'nodes',
  kind: 'Node',
  printer: nodePrinter,
  namespaced: false,
  shortNames: ['no'],
  keepsStatusOnCreate: true,
  subresources: [{ name: 'proxy', kind: 'NodeProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] }, STATUS],
  strategy: {
    prepareForCreate(obj) {
      obj.spec ??= {};
      obj.status ??= {};
    },
    selectableFields: (o) => ({ 'spec.unschedulable': String(o.spec?.unschedulable ?? false) }),
    unknownFieldLabel: fieldLabelNotSupported,
  },
});

export const coreResources: ResourceDef[] = [namespaces, configmaps, secrets, serviceaccounts, pods, services, endpoints, events, nodes];
