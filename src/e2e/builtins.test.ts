// Every GA built-in kind of Kubernetes 1.33 through real kubectl: discovery, defaults, validation, Tables,
// conversions between served versions, immutable fields, subresources and real manifests from the website.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestCluster, table, TESTDATA, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';
import { eventually } from '../testing/eventually.js';

const DIR = join(TESTDATA, 'builtins');
const INVALID = join(DIR, 'invalid');
const WEBSITE = '/work/shared/realworld/kubernetes-website';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every key of `want` must be in `got` with an equal value (objects recursively, arrays element by element). */
function assertSubset(got: unknown, want: unknown, path = ''): void {
  if (typeof want === 'function') {
    assert.ok((want as (v: unknown) => boolean)(got), `${path}: unexpected ${JSON.stringify(got)}`);
  } else if (Array.isArray(want)) {
    assert.ok(Array.isArray(got), `${path}: expected an array, got ${JSON.stringify(got)}`);
    assert.equal(got.length, want.length, `${path}: length of ${JSON.stringify(got)}`);
    want.forEach((w, i) => assertSubset(got[i], w, `${path}[${i}]`));
  } else if (want !== null && typeof want === 'object') {
    assert.ok(got !== null && typeof got === 'object', `${path}: expected an object, got ${JSON.stringify(got)}`);
    for (const [k, w] of Object.entries(want)) assertSubset((got as Json)[k], w, path ? `${path}.${k}` : k);
  } else {
    assert.deepEqual(got, want, path);
  }
}

const isUID = (v: unknown) => typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v);
const isTime = (v: unknown) => typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(v);
const podDefaults = { dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', securityContext: {}, terminationGracePeriodSeconds: 30 };
const containerDefaults = { terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} };

/** Expected defaults and server-set fields of each object in testdata/builtins, keyed Kind/name. */
const CREATED: Record<string, Json> = {
  'APIService/v1beta1.metrics.example.com': { spec: { service: { port: 443 } }, status: {} },
  'CertificateSigningRequest/jane': { spec: { username: 'minikapi-admin', groups: ['system:masters', 'system:authenticated'], usages: ['client auth'] }, status: {} },
  'ClusterRole/secret-reader': { rules: [{ verbs: ['get', 'watch', 'list'] }, { nonResourceURLs: ['/healthz'] }] },
  'ClusterRoleBinding/read-secrets-global': {
    subjects: [
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group' },
      // defaulted to "", which omitempty drops (rbac/v1 Subject.APIGroup `json:"apiGroup,omitempty"`)
      { apiGroup: undefined, kind: 'ServiceAccount' },
    ],
  },
  'ControllerRevision/agent-1': { revision: 1 },
  'CronJob/hello': {
    metadata: { generation: 1 },
    spec: {
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: { metadata: { creationTimestamp: null }, spec: { template: { metadata: { creationTimestamp: null }, spec: { ...podDefaults, restartPolicy: 'OnFailure' } } } },
    },
    status: {},
  },
  'CSIDriver/hostpath.csi.k8s.io': {
    spec: { attachRequired: true, podInfoOnMount: false, requiresRepublish: false, storageCapacity: false, fsGroupPolicy: 'ReadWriteOnceWithFSType', volumeLifecycleModes: ['Persistent'], seLinuxMount: false },
  },
  'CSINode/node-1': { spec: { drivers: [{ name: 'hostpath.csi.k8s.io', nodeID: 'node-1', allocatable: { count: 10 } }] } },
  'CSIStorageCapacity/fast-node-1': { storageClassName: 'fast', capacity: '100Gi' },
  'CustomResourceDefinition/crontabs.stable.example.com': {
    metadata: { generation: 1 },
    spec: { conversion: { strategy: 'None' }, names: { singular: 'crontab', listKind: 'CronTabList' } },
    // as upstream, names and conditions come a moment later from the naming and establishing controllers
    status: { acceptedNames: { plural: '', kind: '' }, storedVersions: ['v1'] },
  },
  'DaemonSet/agent': {
    metadata: { generation: 1 },
    spec: {
      revisionHistoryLimit: 10,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      template: { metadata: { creationTimestamp: null }, spec: { ...podDefaults, restartPolicy: 'Always', containers: [{ ...containerDefaults, imagePullPolicy: 'IfNotPresent' }] } },
    },
    status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 },
  },
  'EndpointSlice/web-abc': { addressType: 'IPv4', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
  'Event/web.17f0': {
    apiVersion: 'events.k8s.io/v1',
    note: 'Scaled up to 3',
    regarding: { kind: 'Deployment', name: 'web' },
    deprecatedSource: {},
    deprecatedFirstTimestamp: null,
    deprecatedLastTimestamp: null,
  },
  'FlowSchema/health-checks': { metadata: { generation: 1 }, spec: { matchingPrecedence: 1000 }, status: {} },
  'HorizontalPodAutoscaler/web-v1': {
    apiVersion: 'autoscaling/v1',
    spec: { minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 80 },
    status: { currentReplicas: 0, desiredReplicas: 0 },
  },
  'HorizontalPodAutoscaler/web-v2': {
    apiVersion: 'autoscaling/v2',
    spec: {
      minReplicas: 1,
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 0,
          selectPolicy: 'Max',
          policies: [
            { type: 'Pods', value: 4, periodSeconds: 15 },
            { type: 'Percent', value: 100, periodSeconds: 15 },
          ],
        },
        scaleDown: { stabilizationWindowSeconds: 120, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
      },
    },
    status: { currentMetrics: null, desiredReplicas: 0 },
  },
  'Ingress/web': { metadata: { generation: 1 }, status: { loadBalancer: {} } },
  'IngressClass/nginx': { spec: { parameters: { scope: 'Cluster' } } },
  'IPAddress/10.96.100.100': { spec: { parentRef: { resource: 'services', name: 'reserved' } } },
  'Job/pi': {
    metadata: {
      generation: 1,
      labels: (l: Json) => l['batch.kubernetes.io/job-name'] === 'pi' && l['job-name'] === 'pi' && isUID(l['batch.kubernetes.io/controller-uid']) && isUID(l['controller-uid']),
    },
    spec: {
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      completions: 1,
      manualSelector: false,
      parallelism: 1,
      podReplacementPolicy: 'TerminatingOrFailed',
      suspend: false,
      selector: { matchLabels: (m: Json) => Object.keys(m).length === 1 && isUID(m['batch.kubernetes.io/controller-uid']) },
      template: { metadata: { creationTimestamp: null, labels: (l: Json) => l['batch.kubernetes.io/job-name'] === 'pi' && isUID(l['controller-uid']) }, spec: { ...podDefaults, restartPolicy: 'Never' } },
    },
    status: {},
  },
  'LimitRange/limits': {
    spec: {
      limits: [
        { type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' }, default: { cpu: '2' }, defaultRequest: { cpu: '2', memory: '64Mi' } },
        { type: 'Pod', max: { memory: '4Gi' } },
      ],
    },
  },
  'MutatingWebhookConfiguration/inject': {
    metadata: { generation: 1 },
    webhooks: [
      {
        failurePolicy: 'Fail',
        matchPolicy: 'Equivalent',
        namespaceSelector: {},
        objectSelector: {},
        reinvocationPolicy: 'Never',
        timeoutSeconds: 10,
        clientConfig: { service: { port: 443 } },
        rules: [{ scope: '*' }],
      },
    ],
  },
  'NetworkPolicy/allow-dns': {
    metadata: { generation: 1 },
    spec: {
      policyTypes: ['Ingress', 'Egress'],
      egress: [{ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }],
      ingress: [{ ports: [{ port: 6379, protocol: 'TCP' }] }],
    },
  },
  'PersistentVolume/pv-local': {
    spec: { persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem', hostPath: { path: '/mnt/data', type: '' } },
    status: { phase: 'Pending', lastPhaseTransitionTime: isTime },
  },
  'PersistentVolumeClaim/data': { spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } },
  'PodDisruptionBudget/web-pdb': { metadata: { generation: 1 }, status: { currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0 } },
  'PodTemplate/tpl': { template: { metadata: { creationTimestamp: null }, spec: { ...podDefaults, restartPolicy: 'Always' } } },
  'PriorityClass/high-priority': { value: 1000000, preemptionPolicy: 'PreemptLowerPriority' },
  'PriorityLevelConfiguration/workload': {
    spec: { limited: { nominalConcurrencyShares: 30, lendablePercent: 0, limitResponse: { type: 'Queue', queuing: { handSize: 8, queues: 64, queueLengthLimit: 50 } } } },
    status: {},
  },
  'ReplicationController/web-rc': {
    metadata: { generation: 1, labels: { app: 'web-rc' } },
    spec: { replicas: 2, selector: { app: 'web-rc' }, template: { spec: { containers: [{ imagePullPolicy: 'Always' }] } } },
    status: { replicas: 0 },
  },
  'ResourceQuota/quota': { status: {} },
  'Role/pod-reader': { rules: [{ apiGroups: [''] }] },
  'RoleBinding/read-pods': {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
    subjects: [
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User' },
      // defaulted to "", which omitempty drops (rbac/v1 Subject.APIGroup `json:"apiGroup,omitempty"`)
      { apiGroup: undefined, kind: 'ServiceAccount' },
    ],
  },
  'RuntimeClass/gvisor': { handler: 'runsc', overhead: { podFixed: { memory: '120Mi' } } },
  'ServiceCIDR/extra': { spec: { cidrs: ['10.200.0.0/16'] } },
  'StatefulSet/db': {
    metadata: { generation: 1 },
    spec: {
      podManagementPolicy: 'OrderedReady',
      replicas: 1,
      revisionHistoryLimit: 10,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      template: { metadata: { creationTimestamp: null }, spec: { ...podDefaults, restartPolicy: 'Always' } },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { creationTimestamp: null, name: 'data' },
          spec: { volumeMode: 'Filesystem' },
          status: { phase: 'Pending' },
        },
      ],
    },
    status: { replicas: 0, availableReplicas: 0 },
  },
  'StorageClass/fast': { reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' },
  'ValidatingAdmissionPolicy/replica-limit': {
    metadata: { generation: 1 },
    spec: { failurePolicy: 'Fail', matchConstraints: { matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {}, resourceRules: [{ scope: '*' }] } },
    status: {},
  },
  'ValidatingAdmissionPolicyBinding/replica-limit-binding': {
    metadata: { generation: 1 },
    spec: { matchResources: { matchPolicy: 'Equivalent', objectSelector: {}, namespaceSelector: { matchLabels: { environment: 'test' } } } },
  },
  'ValidatingWebhookConfiguration/policy': {
    webhooks: [{ failurePolicy: 'Fail', matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {}, timeoutSeconds: 10, rules: [{ scope: 'Namespaced' }] }],
  },
  'VolumeAttachment/va-1': { status: { attached: false } },
};

const err = (file: string, reason: string, text: string) => `Error from server (${reason}): error when creating "${join(INVALID, file)}": ${text}`;

/** kubectl's line for each manifest in testdata/builtins/invalid, in file order. */
const REJECTED: [string, string, string][] = [
  ['apiservice-bad-priority.yaml', 'Invalid', 'APIService.apiregistration.k8s.io "v1.wrong.example.com" is invalid: [metadata.name: Invalid value: "v1.wrong.example.com": must be `spec.version+"."+spec.group`: "v1.metrics.example.com", spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000, spec.caBundle: Forbidden: local APIServices may not have a caBundle]'],
  ['clusterrolebinding-sa-no-namespace.yaml', 'Invalid', 'ClusterRoleBinding.rbac.authorization.k8s.io "bad-crb" is invalid: [roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole", subjects[0].namespace: Required value]'],
  ['controllerrevision-no-data.yaml', 'Invalid', 'ControllerRevision.apps "bad-rev" is invalid: [data: Required value: data is mandatory, revision: Invalid value: -1: must be greater than or equal to 0]'],
  ['crd-bad-name.yaml', 'Invalid', 'CustomResourceDefinition.apiextensions.k8s.io "widgets.example.com" is invalid: [metadata.name: Invalid value: "widgets.example.com": must be spec.names.plural+"."+spec.group, spec.group: Invalid value: "example": should be a domain with at least one dot, spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced", spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required]'],
  ['cronjob-bad-schedule.yaml', 'Invalid', 'CronJob.batch "bad-schedule" is invalid: [spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *], spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"]'],
  ['csidriver-bad-mode.yaml', 'Invalid', 'CSIDriver.storage.k8s.io "bad.csi.example.com" is invalid: [spec.fsGroupPolicy: Unsupported value: "Sometimes": supported values: "File", "None", "ReadWriteOnceWithFSType", spec.volumeLifecycleModes: Unsupported value: "Forever": supported values: "Ephemeral", "Persistent"]'],
  ['csinode-duplicate.yaml', 'Invalid', 'CSINode.storage.k8s.io "bad-node" is invalid: [spec.drivers[1].name: Duplicate value: "a.example.com", spec.drivers[1].nodeID: Required value: nodeID must be provided]'],
  ['csistoragecapacity-no-class.yaml', 'Invalid', 'CSIStorageCapacity.storage.k8s.io "bad-capacity" is invalid: storageClassName: Required value'],
  ['csr-no-signer.yaml', 'Invalid', 'CertificateSigningRequest.certificates.k8s.io "bad-csr" is invalid: [spec.request: Invalid value: "bm90IGEgY3Ny": PEM block type must be CERTIFICATE REQUEST, spec.usages[1]: Duplicate value: "client auth", spec.signerName: Required value]'],
  ['daemonset-empty-selector.yaml', 'Invalid', 'DaemonSet.apps "bad-ds" is invalid: [spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for daemonset, spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"]'],
  ['endpointslice-no-address-type.yaml', 'Invalid', 'EndpointSlice.discovery.k8s.io "bad-slice" is invalid: [addressType: Required value, endpoints[0].addresses: Required value: must contain at least 1 address]'],
  ['event-v1-missing.yaml', 'Invalid', 'Event.events.k8s.io "bad-event" is invalid: [involvedObject.namespace: Invalid value: "": does not match event.namespace, eventTime: Required value, type: Invalid value: "": has invalid value: Info]'],
  ['flowschema-no-level.yaml', 'Invalid', 'FlowSchema.flowcontrol.apiserver.k8s.io "bad-fs" is invalid: [spec.matchingPrecedence: Invalid value: 20000: must be a positive value no more than 10000, spec.priorityLevelConfiguration.name: Required value: must reference a priority level]'],
  ['hpa-max-below-min.yaml', 'Invalid', 'HorizontalPodAutoscaler.autoscaling "bad-hpa" is invalid: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`'],
  ['hpa-v1-no-target.yaml', 'Invalid', 'HorizontalPodAutoscaler.autoscaling "bad-hpa-v1" is invalid: spec.scaleTargetRef.kind: Required value'],
  ['ingress-no-pathtype.yaml', 'Invalid', 'Ingress.networking.k8s.io "bad-path" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified'],
  ['ingressclass-no-controller.yaml', 'Invalid', 'IngressClass.networking.k8s.io "bad-class" is invalid: spec.controller: Required value'],
  ['ipaddress-not-canonical.yaml', 'Invalid', 'IPAddress.networking.k8s.io "2001:db8:0:0:0:0:0:1" is invalid: metadata.name: Invalid value: "2001:db8:0:0:0:0:0:1": must be in canonical form ("2001:db8::1")'],
  ['job-restart-always.yaml', 'Invalid', 'Job.batch "bad-restart" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'],
  ['limitrange-min-over-max.yaml', 'Invalid', 'LimitRange "bad-limits" is invalid: [spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1, spec.limits[0].defaultRequest[cpu]: Invalid value: "1": min value 2 is greater than default request value 1, spec.limits[0].default[cpu]: Invalid value: "1": min value 2 is greater than default value 1]'],
  ['mutatingwebhook-missing.yaml', 'Invalid', 'MutatingWebhookConfiguration.admissionregistration.k8s.io "bad-mwc" is invalid: [webhooks[0].name: Invalid value: "inject": should be a domain with at least three segments separated by dots, webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun, webhooks[0].clientConfig.url: Invalid value: "http": \'https\' is the only allowed URL scheme; desired format: https://host[/path], webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1]'],
  ['networkpolicy-bad-peer.yaml', 'Invalid', 'NetworkPolicy.networking.k8s.io "bad-netpol" is invalid: [spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP", spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0/40": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)]'],
  ['pdb-both.yaml', 'Invalid', 'PodDisruptionBudget.policy "bad-pdb" is invalid: [spec: Invalid value: {"maxUnavailable":1,"minAvailable":"150%"}: minAvailable and maxUnavailable cannot be both set, spec.minAvailable: Invalid value: "150%": must not be greater than 100%]'],
  ['podtemplate-no-containers.yaml', 'Invalid', 'PodTemplate "bad-tpl" is invalid: template.spec.containers: Required value'],
  ['priorityclass-reserved.yaml', 'Invalid', 'PriorityClass.scheduling.k8s.io "system-important" is invalid: metadata.name: Forbidden: priority class names with \'system-\' prefix are reserved for system use only. error: system-important is not a known system priority class'],
  ['priorityclass-too-high.yaml', 'Invalid', 'PriorityClass.scheduling.k8s.io "too-high" is invalid: [value: Forbidden: maximum allowed value of a user defined priority is 1000000000, preemptionPolicy: Unsupported value: "Always": supported values: "Never", "PreemptLowerPriority"]'],
  ['prioritylevelconfiguration-no-limited.yaml', 'Invalid', 'PriorityLevelConfiguration.flowcontrol.apiserver.k8s.io "bad-plc" is invalid: spec.limited: Required value: must not be empty when type is Limited'],
  ['pv-no-source.yaml', 'Invalid', 'PersistentVolume "bad-pv" is invalid: [spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain", spec: Required value: must specify a volume type]'],
  ['pvc-bad-quantity.yaml', 'BadRequest', 'PersistentVolumeClaim in version "v1" cannot be handled as a PersistentVolumeClaim: quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\''],
  ['pvc-no-access-modes.yaml', 'Invalid', 'PersistentVolumeClaim "bad-pvc" is invalid: spec.accessModes: Required value: at least 1 access mode is required'],
  ['rc-mismatch.yaml', 'Invalid', 'ReplicationController "bad-rc" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: `selector` does not match template `labels`'],
  ['resourcequota-bad-scope.yaml', 'Invalid', 'ResourceQuota "bad-quota" is invalid: spec.scopes: Unsupported value: "Sometimes": supported values: "BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating", "PriorityClass", "Terminating", "VolumeAttributesClass"'],
  ['role-no-verbs.yaml', 'Invalid', 'Role.rbac.authorization.k8s.io "bad-role" is invalid: [rules[0].verbs: Required value: verbs must contain at least one value, rules[1].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs]'],
  ['rolebinding-bad-kind.yaml', 'Invalid', 'RoleBinding.rbac.authorization.k8s.io "bad-binding" is invalid: [roleRef.kind: Unsupported value: "Policy": supported values: "Role", "ClusterRole", subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"]'],
  ['runtimeclass-bad-handler.yaml', 'Invalid', 'RuntimeClass.node.k8s.io "bad-runtime" is invalid: handler: Invalid value: "Run_SC": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')'],
  ['servicecidr-empty.yaml', 'Invalid', 'ServiceCIDR.networking.k8s.io "bad-cidr" is invalid: spec.cidrs: Required value: at least one CIDR required'],
  ['statefulset-no-selector-match.yaml', 'Invalid', 'StatefulSet.apps "bad-sts" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`'],
  ['storageclass-bad-policy.yaml', 'Invalid', 'StorageClass.storage.k8s.io "bad-sc" is invalid: [reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain", volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"]'],
  ['validatingadmissionpolicy-empty.yaml', 'Invalid', 'ValidatingAdmissionPolicy.admissionregistration.k8s.io "bad-vap" is invalid: [spec.failurePolicy: Unsupported value: "Maybe": supported values: "Fail", "Ignore", spec.matchConstraints: Required value, spec.validations: Required value: validations or auditAnnotations must contain at least one item, spec.auditAnnotations: Required value: validations or auditAnnotations must contain at least one item]'],
  ['validatingadmissionpolicybinding-actions.yaml', 'Invalid', 'ValidatingAdmissionPolicyBinding.admissionregistration.k8s.io "bad-vapb" is invalid: spec.validationActions: Invalid value: []admissionregistration.ValidationAction{"Deny", "Warn"}: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)'],
  ['validatingwebhook-timeout.yaml', 'Invalid', 'ValidatingWebhookConfiguration.admissionregistration.k8s.io "bad-vwc" is invalid: [webhooks[0].rules[0].operations[0]: Unsupported value: "PATCH": supported values: "*", "CONNECT", "CREATE", "DELETE", "UPDATE", webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun", webhooks[0].timeoutSeconds: Invalid value: 60: the timeout value must be between 1 and 30 seconds, webhooks[0].admissionReviewVersions: Invalid value: []string{"v2"}: must include at least one of v1, v1beta1]'],
  ['volumeattachment-no-source.yaml', 'Invalid', 'VolumeAttachment.storage.k8s.io "bad-va" is invalid: [spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName, spec.nodeName: Required value]'],
];

/** `kubectl api-resources` of kube-apiserver 1.33: NAME, SHORTNAMES, APIVERSION, NAMESPACED, KIND. */
const API_RESOURCES = `
bindings                                         v1                                true         Binding
componentstatuses                   cs           v1                                false        ComponentStatus
configmaps                          cm           v1                                true         ConfigMap
endpoints                           ep           v1                                true         Endpoints
events                              ev           v1                                true         Event
limitranges                         limits       v1                                true         LimitRange
namespaces                          ns           v1                                false        Namespace
nodes                               no           v1                                false        Node
persistentvolumeclaims              pvc          v1                                true         PersistentVolumeClaim
persistentvolumes                   pv           v1                                false        PersistentVolume
pods                                po           v1                                true         Pod
podtemplates                                     v1                                true         PodTemplate
replicationcontrollers              rc           v1                                true         ReplicationController
resourcequotas                      quota        v1                                true         ResourceQuota
secrets                                          v1                                true         Secret
serviceaccounts                     sa           v1                                true         ServiceAccount
services                            svc          v1                                true         Service
mutatingwebhookconfigurations                    admissionregistration.k8s.io/v1   false        MutatingWebhookConfiguration
validatingadmissionpolicies                      admissionregistration.k8s.io/v1   false        ValidatingAdmissionPolicy
validatingadmissionpolicybindings                admissionregistration.k8s.io/v1   false        ValidatingAdmissionPolicyBinding
validatingwebhookconfigurations                  admissionregistration.k8s.io/v1   false        ValidatingWebhookConfiguration
customresourcedefinitions           crd,crds     apiextensions.k8s.io/v1           false        CustomResourceDefinition
apiservices                                      apiregistration.k8s.io/v1         false        APIService
controllerrevisions                              apps/v1                           true         ControllerRevision
daemonsets                          ds           apps/v1                           true         DaemonSet
deployments                         deploy       apps/v1                           true         Deployment
replicasets                         rs           apps/v1                           true         ReplicaSet
statefulsets                        sts          apps/v1                           true         StatefulSet
selfsubjectreviews                               authentication.k8s.io/v1          false        SelfSubjectReview
tokenreviews                                     authentication.k8s.io/v1          false        TokenReview
localsubjectaccessreviews                        authorization.k8s.io/v1           true         LocalSubjectAccessReview
selfsubjectaccessreviews                         authorization.k8s.io/v1           false        SelfSubjectAccessReview
selfsubjectrulesreviews                          authorization.k8s.io/v1           false        SelfSubjectRulesReview
subjectaccessreviews                             authorization.k8s.io/v1           false        SubjectAccessReview
horizontalpodautoscalers            hpa          autoscaling/v2                    true         HorizontalPodAutoscaler
cronjobs                            cj           batch/v1                          true         CronJob
jobs                                             batch/v1                          true         Job
certificatesigningrequests          csr          certificates.k8s.io/v1            false        CertificateSigningRequest
leases                                           coordination.k8s.io/v1            true         Lease
endpointslices                                   discovery.k8s.io/v1               true         EndpointSlice
events                              ev           events.k8s.io/v1                  true         Event
flowschemas                                      flowcontrol.apiserver.k8s.io/v1   false        FlowSchema
prioritylevelconfigurations                      flowcontrol.apiserver.k8s.io/v1   false        PriorityLevelConfiguration
nodes                                            metrics.k8s.io/v1beta1            false        NodeMetrics
pods                                             metrics.k8s.io/v1beta1            true         PodMetrics
ingressclasses                                   networking.k8s.io/v1              false        IngressClass
ingresses                           ing          networking.k8s.io/v1              true         Ingress
ipaddresses                                      networking.k8s.io/v1              false        IPAddress
networkpolicies                     netpol       networking.k8s.io/v1              true         NetworkPolicy
servicecidrs                                     networking.k8s.io/v1              false        ServiceCIDR
runtimeclasses                                   node.k8s.io/v1                    false        RuntimeClass
poddisruptionbudgets                pdb          policy/v1                         true         PodDisruptionBudget
clusterrolebindings                              rbac.authorization.k8s.io/v1      false        ClusterRoleBinding
clusterroles                                     rbac.authorization.k8s.io/v1      false        ClusterRole
rolebindings                                     rbac.authorization.k8s.io/v1      true         RoleBinding
roles                                            rbac.authorization.k8s.io/v1      true         Role
priorityclasses                     pc           scheduling.k8s.io/v1              false        PriorityClass
csidrivers                                       storage.k8s.io/v1                 false        CSIDriver
csinodes                                         storage.k8s.io/v1                 false        CSINode
csistoragecapacities                             storage.k8s.io/v1                 true         CSIStorageCapacity
storageclasses                      sc           storage.k8s.io/v1                 false        StorageClass
volumeattachments                                storage.k8s.io/v1                 false        VolumeAttachment
`;

/** Table columns of kube-apiserver 1.33's printers for each kind created here. */
const COLUMNS: Record<string, string[]> = {
  limitranges: ['NAME', 'CREATED AT'],
  persistentvolumeclaims: ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE'],
  persistentvolumes: ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE'],
  podtemplates: ['NAME', 'CONTAINERS', 'IMAGES', 'POD LABELS'],
  replicationcontrollers: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'],
  statefulsets: ['NAME', 'READY', 'AGE'],
  daemonsets: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'],
  controllerrevisions: ['NAME', 'CONTROLLER', 'REVISION', 'AGE'],
  jobs: ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'],
  cronjobs: ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'],
  horizontalpodautoscalers: ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE'],
  certificatesigningrequests: ['NAME', 'AGE', 'SIGNERNAME', 'REQUESTOR', 'REQUESTEDDURATION', 'CONDITION'],
  ingressclasses: ['NAME', 'CONTROLLER', 'PARAMETERS', 'AGE'],
  ingresses: ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'],
  networkpolicies: ['NAME', 'POD-SELECTOR', 'AGE'],
  ipaddresses: ['NAME', 'PARENTREF'],
  servicecidrs: ['NAME', 'CIDRS', 'AGE'],
  poddisruptionbudgets: ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE'],
  roles: ['NAME', 'CREATED AT'],
  rolebindings: ['NAME', 'ROLE', 'AGE'],
  clusterroles: ['NAME', 'CREATED AT'],
  clusterrolebindings: ['NAME', 'ROLE', 'AGE'],
  storageclasses: ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE'],
  csidrivers: ['NAME', 'ATTACHREQUIRED', 'PODINFOONMOUNT', 'STORAGECAPACITY', 'TOKENREQUESTS', 'REQUIRESREPUBLISH', 'MODES', 'AGE'],
  csinodes: ['NAME', 'DRIVERS', 'AGE'],
  csistoragecapacities: ['NAME', 'STORAGECLASSNAME', 'CAPACITY'],
  volumeattachments: ['NAME', 'ATTACHER', 'PV', 'NODE', 'ATTACHED', 'AGE'],
  mutatingwebhookconfigurations: ['NAME', 'WEBHOOKS', 'AGE'],
  validatingwebhookconfigurations: ['NAME', 'WEBHOOKS', 'AGE'],
  validatingadmissionpolicies: ['NAME', 'VALIDATIONS', 'PARAMKIND', 'AGE'],
  validatingadmissionpolicybindings: ['NAME', 'POLICYNAME', 'PARAMREF', 'AGE'],
  customresourcedefinitions: ['NAME', 'CREATED AT'],
  priorityclasses: ['NAME', 'VALUE', 'GLOBAL-DEFAULT', 'AGE', 'PREEMPTIONPOLICY'],
  runtimeclasses: ['NAME', 'HANDLER', 'AGE'],
  endpointslices: ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'],
  flowschemas: ['NAME', 'PRIORITYLEVEL', 'MATCHINGPRECEDENCE', 'DISTINGUISHERMETHOD', 'AGE', 'MISSINGPL'],
  prioritylevelconfigurations: ['NAME', 'TYPE', 'NOMINALCONCURRENCYSHARES', 'QUEUES', 'HANDSIZE', 'QUEUELENGTHLIMIT', 'AGE'],
  'events.v1.events.k8s.io': ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
  apiservices: ['NAME', 'SERVICE', 'AVAILABLE', 'AGE'],
};

function kindName(o: Json): string {
  return `${o.kind}/${o.metadata.name}`;
}

function stripServerFields(o: Json): Json {
  const c = structuredClone(o);
  delete c.metadata.managedFields;
  delete c.metadata.resourceVersion;
  return c;
}

describe('built-in resources of Kubernetes 1.33 through kubectl', () => {
  let c: TestCluster;
  const ns = 'builtins';
  let created: Json[] = [];

  before(async () => {
    c = await startTestCluster({ kubectlVersion: '1.33' });
    await c.k(['create', 'namespace', ns]);
  });
  after(async () => {
    await c?.cleanup();
  });

  test('api-resources lists every GA built-in resource with upstream short names, versions and scope', async () => {
    const got = table(await c.k(['api-resources', '--no-headers']));
    const want = table(API_RESOURCES);
    assert.deepEqual(got, want);
  });

  test('each valid manifest in testdata/builtins is created with the defaults upstream applies', async () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
    // kubectl prints one JSON document per object
    created = JSON.parse(`[${(await c.k(['-n', ns, 'create', '-f', DIR, '-o', 'json'])).replace(/^\}\n\{$/gm, '},{')}]`);
    assert.equal(created.length, files.length);
    assert.deepEqual(created.map(kindName).sort(), Object.keys(CREATED).sort());
    for (const o of created) {
      assert.ok(isUID(o.metadata.uid) && isTime(o.metadata.creationTimestamp), kindName(o));
      assertSubset(o, CREATED[kindName(o)], kindName(o));
    }
  });

  test('every object reads back through the API exactly as create returned it', async () => {
    await c.k(['wait', '--for=condition=Established', 'crd/crontabs.stable.example.com', '--timeout=10s']);
    const list = JSON.parse(await c.k(['-n', ns, 'get', '-f', DIR, '-o', 'json']));
    const byName = new Map<string, Json>(list.items.map((o: Json) => [kindName(o), o]));
    for (const o of created) {
      const got = stripServerFields(byName.get(kindName(o))!);
      if (o.kind === 'CustomResourceDefinition') {
        assertSubset(got.status, {
          acceptedNames: { kind: 'CronTab', listKind: 'CronTabList', plural: 'crontabs', shortNames: ['ct'], singular: 'crontab' },
          conditions: [
            { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: isTime },
            { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: isTime },
          ],
          storedVersions: ['v1'],
        }, 'crd status');
        delete got.status;
        const want = stripServerFields(o);
        delete want.status;
        assert.deepEqual(got, want, kindName(o));
        continue;
      }
      if (o.kind === 'FlowSchema') {
        // the API server's flow-control configuration consumer writes its Dangling condition
        assertSubset(got.status, { conditions: [{ type: 'Dangling', status: 'False', reason: 'Found', message: 'This FlowSchema references the PriorityLevelConfiguration object named "workload" and it exists', lastTransitionTime: isTime }] }, 'flowschema status');
        const want = stripServerFields(o);
        assert.deepEqual({ ...got, status: want.status }, want, kindName(o));
        continue;
      }
      assert.deepEqual(got, stripServerFields(o), kindName(o));
    }
  });

  test('invalid manifests are rejected with upstream status reasons, field paths and messages', async () => {
    assert.deepEqual(readdirSync(INVALID).sort(), REJECTED.map(([f]) => f));
    const r = await c.kubectl(['-n', ns, 'create', '-f', INVALID]);
    assert.equal(r.code, 1);
    assert.deepEqual(r.stderr.trimEnd().split('\n'), REJECTED.map(([f, reason, text]) => err(f, reason, text)));
    assert.equal(r.stdout, '');
  });

  test('kubectl get prints the upstream columns for every kind', async () => {
    const out = await c.k(['-n', ns, 'get', Object.keys(COLUMNS).join(',')]);
    const headers = out
      .split('\n')
      .filter((l) => /^(NAME|LAST SEEN)\s/.test(l))
      .map((l) => l.trim().split(/\s{2,}/));
    assert.deepEqual(headers, Object.values(COLUMNS));
  });

  test('resourcequotas print NAME AGE REQUEST LIMIT', async () => {
    const rows = table(await c.k(['-n', ns, 'get', 'resourcequotas']));
    assert.deepEqual(rows[0], ['NAME', 'AGE', 'REQUEST', 'LIMIT']);
  });

  test('the system priority classes, local APIServices and the flow-control bootstrap configuration exist from the first start', async () => {
    const [pcs, svc, fs, plc, cidr] = await Promise.all([
      c.k(['get', 'priorityclasses', 'system-node-critical', 'system-cluster-critical', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.value},{.preemptionPolicy};{end}']),
      c.k(['get', 'apiservices', 'v1.', 'v1.apps', 'v2.autoscaling', '-o', 'jsonpath={range .items[*]}{.metadata.name}:{.spec.groupPriorityMinimum}/{.spec.versionPriority}:{.status.conditions[0].reason};{end}']),
      c.k(['get', 'flowschemas', '-o', 'name']),
      c.k(['get', 'prioritylevelconfigurations', '-o', 'name']),
      c.k(['get', 'servicecidrs', 'kubernetes', '-o', 'jsonpath={.spec.cidrs}']),
    ]);
    assert.equal(pcs, 'system-node-critical=2000001000,PreemptLowerPriority;system-cluster-critical=2000000000,PreemptLowerPriority;');
    assert.equal(svc, 'v1.:18000/1:Local;v1.apps:17800/15:Local;v2.autoscaling:17500/30:Local;');
    // v1.33's mandatory and suggested configuration, as `kubectl get` lists it on a new cluster
    const names = (out: string) => out.trim().split('\n').map((l) => l.split('/')[1]);
    // (the FlowSchema health-checks and the level workload come from testdata/builtins, applied by an earlier test)
    assert.deepEqual(names(fs).filter((n) => n !== 'health-checks'), ['catch-all', 'endpoint-controller', 'exempt', 'global-default', 'kube-controller-manager', 'kube-scheduler', 'kube-system-service-accounts', 'probes', 'service-accounts', 'system-leader-election', 'system-node-high', 'system-nodes', 'workload-leader-election']);
    assert.deepEqual(names(plc).filter((n) => n !== 'workload'), ['catch-all', 'exempt', 'global-default', 'leader-election', 'node-high', 'system', 'workload-high', 'workload-low']);
    const levels = table(await c.k(['get', 'prioritylevelconfigurations']));
    assert.deepEqual(levels.filter((r) => r[0] !== 'workload').map((r) => [r[0], r[1], r[2], r[3], r[4], r[5]]), [
      ['NAME', 'TYPE', 'NOMINALCONCURRENCYSHARES', 'QUEUES', 'HANDSIZE', 'QUEUELENGTHLIMIT'],
      ['catch-all', 'Limited', '5', '<none>', '<none>', '<none>'],
      ['exempt', 'Exempt', '<none>', '<none>', '<none>', '<none>'],
      ['global-default', 'Limited', '20', '128', '6', '50'],
      ['leader-election', 'Limited', '10', '16', '4', '50'],
      ['node-high', 'Limited', '40', '64', '6', '50'],
      ['system', 'Limited', '30', '64', '6', '50'],
      ['workload-high', 'Limited', '40', '128', '6', '50'],
      ['workload-low', 'Limited', '100', '128', '6', '50'],
    ]);
    const schemas = table(await c.k(['get', 'flowschemas', '--sort-by=.spec.matchingPrecedence']));
    assert.deepEqual(schemas.map((r) => [r[0], r[1], r[2], r[3]]).slice(0, 6), [
      ['NAME', 'PRIORITYLEVEL', 'MATCHINGPRECEDENCE', 'DISTINGUISHERMETHOD'],
      ['exempt', 'exempt', '1', '<none>'],
      ['probes', 'exempt', '2', '<none>'],
      ['system-leader-election', 'leader-election', '100', 'ByUser'],
      ['endpoint-controller', 'workload-high', '150', 'ByUser'],
      ['workload-leader-election', 'leader-election', '200', 'ByUser'],
    ]);
    const probes = JSON.parse(await c.k(['get', 'flowschema', 'probes', '-o', 'json']));
    assert.deepEqual(probes.spec, { priorityLevelConfiguration: { name: 'exempt' }, matchingPrecedence: 2, rules: [{ subjects: [{ kind: 'Group', group: { name: 'system:unauthenticated' } }, { kind: 'Group', group: { name: 'system:authenticated' } }], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/readyz', '/livez'] }] }] });
    assert.deepEqual(JSON.parse(await c.k(['get', 'prioritylevelconfiguration', 'exempt', '-o', 'json'])).spec, { type: 'Exempt', exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } });
    assert.equal(cidr, '["10.96.0.0/12"]');
  });

  test("each FlowSchema's Dangling condition says whether its priority level exists (MISSINGPL), kept up as levels come and go", async () => {
    const missing = async () => new Map(table(await c.k(['get', 'flowschemas'])).slice(1).map((r) => [r[0], r[5]]));
    await eventually('MISSINGPL False everywhere', async () => [...(await missing()).values()].every((v) => v === 'False'));
    const rule = { subjects: [{ kind: 'User', user: { name: 'alice' } }], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/version'] }] };
    await api(c, 'POST', '/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas', { metadata: { name: 'orphan' }, spec: { priorityLevelConfiguration: { name: 'nowhere' }, matchingPrecedence: 5000, rules: [rule] } });
    const cond = await eventually('the Dangling condition', async () => (await api(c, 'GET', '/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas/orphan')).json.status?.conditions?.[0]);
    assert.deepEqual([cond.type, cond.status, cond.reason, cond.message], ['Dangling', 'True', 'NotFound', 'This FlowSchema references the PriorityLevelConfiguration object named "nowhere" but there is no such object']);
    assert.equal((await missing()).get('orphan'), 'True');
    const managers = (await api(c, 'GET', '/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas/orphan')).json.metadata.managedFields.map((m: { manager: string; operation: string; subresource?: string }) => `${m.manager}/${m.operation}/${m.subresource ?? ''}`);
    assert.ok(managers.includes('api-priority-and-fairness-config-consumer-v1/Apply/status'), managers.join(' '));
    await api(c, 'POST', '/apis/flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations', { metadata: { name: 'nowhere' }, spec: { type: 'Limited', limited: { nominalConcurrencyShares: 1, limitResponse: { type: 'Reject' } } } });
    await eventually('MISSINGPL False once the level exists', async () => (await missing()).get('orphan') === 'False');
    const found = (await api(c, 'GET', '/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas/orphan')).json.status.conditions;
    assert.deepEqual(found.map((x: { reason: string; message: string }) => [x.reason, x.message]), [['Found', 'This FlowSchema references the PriorityLevelConfiguration object named "nowhere" and it exists']]);
  });

  test('a HorizontalPodAutoscaler is one object served as autoscaling/v2 and autoscaling/v1', async () => {
    const [v1ViaV2, v2ViaV1] = await Promise.all([
      c.k(['-n', ns, 'get', 'horizontalpodautoscalers.v2.autoscaling', 'web-v1', '-o', 'json']),
      c.k(['-n', ns, 'get', 'horizontalpodautoscalers.v1.autoscaling', 'web-v2', '-o', 'json']),
    ]);
    assertSubset(JSON.parse(v1ViaV2), {
      apiVersion: 'autoscaling/v2',
      spec: { minReplicas: 1, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] },
    });
    const v1 = JSON.parse(v2ViaV1);
    assert.equal(v1.apiVersion, 'autoscaling/v1');
    assert.equal(v1.spec.targetCPUUtilizationPercentage, undefined);
    assert.deepEqual(v1.metadata.annotations, {
      'autoscaling.alpha.kubernetes.io/behavior':
        '{"scaleUp":{"stabilizationWindowSeconds":0,"selectPolicy":"Max","policies":[{"type":"Pods","value":4,"periodSeconds":15},{"type":"Percent","value":100,"periodSeconds":15}]},"scaleDown":{"stabilizationWindowSeconds":120,"selectPolicy":"Max","policies":[{"type":"Percent","value":100,"periodSeconds":15}]}}',
      'autoscaling.alpha.kubernetes.io/metrics': '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"500Mi"}}]',
    });
    // a write through v1 keeps what only v2 can express
    await c.k(['-n', ns, 'patch', 'horizontalpodautoscalers.v1.autoscaling', 'web-v2', '--type', 'merge', '-p', '{"spec":{"maxReplicas":12}}']);
    const after = JSON.parse(await c.k(['-n', ns, 'get', 'horizontalpodautoscalers.v2.autoscaling', 'web-v2', '-o', 'json']));
    assert.equal(after.spec.maxReplicas, 12);
    assert.equal(after.metadata.annotations, undefined);
    assertSubset(after.spec, { metrics: [{ resource: { name: 'memory', target: { averageValue: '500Mi' } } }], behavior: { scaleDown: { stabilizationWindowSeconds: 120 } } });
  });

  test('events.k8s.io/v1 and core/v1 events are the same stored objects, converted field by field', async () => {
    const core = JSON.parse(await c.k(['get', '--raw', `/api/v1/namespaces/${ns}/events/web.17f0`]));
    assertSubset(core, {
      apiVersion: 'v1',
      involvedObject: { kind: 'Deployment', name: 'web', namespace: ns },
      message: 'Scaled up to 3',
      reportingComponent: 'example.com/controller',
      reportingInstance: 'controller-0',
      source: {},
      firstTimestamp: null,
    });
    const legacy = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.legacy' },
      involvedObject: { kind: 'Pod', name: 'web-0', namespace: ns },
      reason: 'Pulled',
      message: 'Container image pulled',
      source: { component: 'kubelet', host: 'node-1' },
      count: 2,
      firstTimestamp: '2025-01-02T03:04:05Z',
      lastTimestamp: '2025-01-02T03:05:05Z',
      type: 'Normal',
    };
    await c.k(['-n', ns, 'create', '-f', '-'], { stdin: JSON.stringify(legacy) });
    const [v1, selected, unsupported] = await Promise.all([
      c.k(['-n', ns, 'get', 'events.v1.events.k8s.io', 'web.legacy', '-o', 'json']),
      c.k(['-n', ns, 'get', 'events.v1.events.k8s.io', '--field-selector', 'regarding.kind=Pod,reason=Pulled', '-o', 'name']),
      c.kubectl(['-n', ns, 'get', 'events.v1.events.k8s.io', '--field-selector', 'involvedObject.kind=Pod']),
    ]);
    assertSubset(JSON.parse(v1), {
      apiVersion: 'events.k8s.io/v1',
      regarding: { kind: 'Pod', name: 'web-0' },
      note: 'Container image pulled',
      deprecatedSource: { component: 'kubelet', host: 'node-1' },
      deprecatedCount: 2,
      deprecatedFirstTimestamp: '2025-01-02T03:04:05Z',
      eventTime: null,
    });
    assert.equal(selected, 'event.events.k8s.io/web.legacy\n');
    assert.equal(unsupported.code, 1);
    assert.equal(
      unsupported.stderr.trim(),
      'Error from server (BadRequest): Unable to find "events.k8s.io/v1, Resource=events" that match label selector "", field selector "involvedObject.kind=Pod": field label not supported: involvedObject.kind',
    );
  });

  test('updates to immutable fields are rejected as upstream does', async () => {
    const patch = (args: string[], p: string) => c.kubectl([...args, '--type', 'merge', '-p', p]);
    const [roleRef, sts, sc, pc, pvc, job, ds] = await Promise.all([
      patch(['-n', ns, 'patch', 'rolebinding', 'read-pods'], '{"roleRef":{"name":"other"}}'),
      patch(['-n', ns, 'patch', 'statefulset', 'db'], '{"spec":{"serviceName":"other"}}'),
      patch(['patch', 'storageclass', 'fast'], '{"parameters":{"type":"hdd"},"reclaimPolicy":"Retain"}'),
      patch(['patch', 'priorityclass', 'high-priority'], '{"value":5}'),
      patch(['-n', ns, 'patch', 'pvc', 'data'], '{"spec":{"accessModes":["ReadWriteMany"]}}'),
      patch(['-n', ns, 'patch', 'job', 'pi'], '{"spec":{"selector":{"matchLabels":{"app":"pi"}}}}'),
      patch(['-n', ns, 'patch', 'daemonset', 'agent'], '{"spec":{"selector":{"matchLabels":{"app":"other"}},"template":{"metadata":{"labels":{"app":"other"}}}}}'),
    ]);
    assert.equal(roleRef.stderr, 'The RoleBinding "read-pods" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"other"}: cannot change roleRef\n');
    assert.equal(
      sts.stderr,
      "The StatefulSet \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden\n",
    );
    assert.equal(sc.stderr, 'The StorageClass "fast" is invalid: \n* parameters: Forbidden: updates to parameters are forbidden.\n* reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.\n');
    assert.equal(pc.stderr, 'The PriorityClass "high-priority" is invalid: value: Forbidden: may not be changed in an update.\n');
    // upstream appends a diff of the two specs to this message
    assert.ok(pvc.stderr.startsWith('The PersistentVolumeClaim "data" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'), pvc.stderr);
    const uid = /"batch.kubernetes.io\/controller-uid":"([0-9a-f-]{36})"/.exec(job.stderr)?.[1];
    const selector = `v1.LabelSelector{MatchLabels:map[string]string{"app":"pi", "batch.kubernetes.io/controller-uid":"${uid}"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`;
    assert.equal(
      job.stderr,
      [
        'The Job "pi" is invalid: ',
        `* spec.selector: Invalid value: ${selector}: \`selector\` not auto-generated`,
        `* spec.template.metadata.labels: Invalid value: map[string]string{"batch.kubernetes.io/controller-uid":"${uid}", "batch.kubernetes.io/job-name":"pi", "controller-uid":"${uid}", "job-name":"pi"}: \`selector\` does not match template \`labels\``,
        `* spec.selector: Invalid value: ${selector}: field is immutable`,
        '',
      ].join('\n'),
    );
    assert.equal(
      ds.stderr,
      'The DaemonSet "agent" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"other"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable\n',
    );
    for (const r of [roleRef, sts, sc, pc, pvc, job, ds]) assert.equal(r.code, 1);
  });

  test('deployment selector errors print the selector as Go does, like every other workload', async () => {
    const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'sel' }, spec: { selector: { matchLabels: { app: 'sel' } }, template: { metadata: { labels: { app: 'sel' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
    assert.equal((await api(c, 'POST', `/apis/apps/v1/namespaces/${ns}/deployments`, dep)).status, 201);
    const r = await c.kubectl(['-n', ns, 'patch', 'deployment', 'sel', '--type', 'merge', '-p', '{"spec":{"selector":{"matchLabels":{"app":"other"}},"template":{"metadata":{"labels":{"app":"other"}}}}}']);
    assert.equal(r.stderr, 'The Deployment "sel" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"other"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable\n');
  });

  test('kubectl scale works for statefulsets and replicationcontrollers', async () => {
    const [sts, rc] = await Promise.all([c.k(['-n', ns, 'scale', 'statefulset', 'db', '--replicas=3']), c.k(['-n', ns, 'scale', 'rc', 'web-rc', '--replicas=4'])]);
    assert.equal(sts, 'statefulset.apps/db scaled\n');
    assert.equal(rc, 'replicationcontroller/web-rc scaled\n');
    const out = await c.k(['-n', ns, 'get', 'statefulset/db', 'rc/web-rc', '-o', 'jsonpath={range .items[*]}{.spec.replicas},{.metadata.generation};{end}']);
    assert.equal(out, '3,2;4,2;');
  });

  test('selectable fields beyond metadata: jobs by status.successful, CSRs by spec.signerName', async () => {
    const [jobs, none, csrs, bad] = await Promise.all([
      c.k(['-n', ns, 'get', 'jobs', '--field-selector', 'status.successful=0', '-o', 'name']),
      c.k(['-n', ns, 'get', 'jobs', '--field-selector', 'status.successful=1', '-o', 'name']),
      c.k(['get', 'csr', '--field-selector', 'spec.signerName=kubernetes.io/kube-apiserver-client', '-o', 'name']),
      c.kubectl(['-n', ns, 'get', 'cronjobs', '--field-selector', 'spec.schedule=x']),
    ]);
    assert.equal(jobs, 'job.batch/pi\n');
    assert.equal(none, '');
    assert.equal(csrs, 'certificatesigningrequest.certificates.k8s.io/jane\n');
    assert.equal(bad.stderr.trim(), 'Error from server (BadRequest): Unable to find "batch/v1, Resource=cronjobs" that match label selector "", field selector "spec.schedule=x": "spec.schedule" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });

  test('field selector refusals name the kind\'s conversion as upstream: per-kind lists, Job\'s own text, the default pair', async () => {
    const msg = async (path: string) => {
      const r = await api(c, 'GET', path);
      assert.equal(r.status, 400, path);
      assert.equal(r.json.reason, 'BadRequest');
      return r.json.message;
    };
    assert.equal(await msg('/api/v1/nodes?fieldSelector=metadata.namespace%3Dx'), 'field label not supported: metadata.namespace');
    assert.equal(await msg(`/apis/batch/v1/namespaces/${ns}/jobs?fieldSelector=status.failed%3D1`), 'field label "status.failed" not supported for batchv1.Job');
    assert.equal(await msg(`/apis/apps/v1/namespaces/${ns}/replicasets?fieldSelector=status.replicas%3D1`), '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"');
    assert.equal(await msg(`/api/v1/namespaces/${ns}/services?fieldSelector=spec.ports%3D1`), 'field label not supported: spec.ports');
    // the default conversion takes metadata.namespace on a cluster-scoped kind, which then matches nothing
    const roles = await api(c, 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles?fieldSelector=metadata.namespace%3Dx');
    assert.equal(roles.status, 200);
    assert.deepEqual(roles.json.items, []);
    const [byType, byHost] = await Promise.all([
      c.k(['get', 'services', '-A', '--field-selector', 'spec.type=ClusterIP,metadata.name=kubernetes', '-o', 'name']),
      c.k(['-n', ns, 'get', 'pods', '--field-selector', 'spec.host=', '-o', 'name']),
    ]);
    assert.equal(byType, 'service/kubernetes\n');
    assert.equal(byHost, (await c.k(['-n', ns, 'get', 'pods', '-o', 'name'])));
  });

  test('service cluster IPs and node ports: taken values name the service and the port, the primary IP never changes', async () => {
    const svc = (name: string, spec: Json) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ name: 'a', port: 80 }], ...spec } });
    const base = `/api/v1/namespaces/${ns}/services`;
    const taken = await api(c, 'POST', base, svc('ip-taken', { clusterIP: '10.96.0.1' }));
    assert.equal(taken.status, 422);
    assert.equal(taken.json.message, 'Service "ip-taken" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.1"}: failed to allocate IP 10.96.0.1: provided IP is already allocated');
    const outside = await api(c, 'POST', base, svc('ip-outside', { clusterIP: '192.168.0.9' }));
    assert.equal(outside.json.message, 'Service "ip-outside" is invalid: spec.clusterIPs: Invalid value: []string{"192.168.0.9"}: failed to allocate IP 192.168.0.9: the provided IP (192.168.0.9) is not in the valid range. The range of valid IPs is 10.96.0.0/12');
    // validation comes before allocation: an invalid service does not report the taken address
    const invalidPorts = await api(c, 'POST', base, svc('ip-and-ports', { clusterIP: '10.96.0.1', ports: [] }));
    assert.equal(invalidPorts.json.message, 'Service "ip-and-ports" is invalid: spec.ports: Required value');
    const np = await api(c, 'POST', base, svc('np1', { type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30080 }] }));
    assert.equal(np.status, 201);
    const np2 = await api(c, 'POST', base, svc('np2', { type: 'NodePort', ports: [{ name: 'a', port: 80 }, { name: 'b', port: 81, nodePort: 30080 }] }));
    assert.equal(np2.json.message, 'Service "np2" is invalid: spec.ports[1].nodePort: Invalid value: 30080: provided port is already allocated');
    // a resubmitted manifest without the allocated values keeps them
    const put = await api(c, 'PUT', `${base}/np1`, svc('np1', { type: 'NodePort', ports: [{ name: 'a', port: 80 }] }));
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json.spec.clusterIP, np.json.spec.clusterIP);
    assert.deepEqual(put.json.spec.clusterIPs, [np.json.spec.clusterIP]);
    assert.equal(put.json.spec.ports[0].nodePort, 30080);
    const moved = await c.kubectl(['-n', ns, 'patch', 'service', 'np1', '-p', '{"spec":{"clusterIP":"10.96.0.1"}}']);
    assert.equal(moved.stderr, 'The Service "np1" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.1"}: may not change once set\n');
  });

  test('review kinds are create-only and answer with a status', async () => {
    const review = (o: Json) => c.kubectl(['create', '-f', '-', '-o', 'json'], { stdin: JSON.stringify(o) });
    const [sar, tr, noToken] = await Promise.all([
      review({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'admin', groups: ['system:masters'], resourceAttributes: { verb: 'get', resource: 'pods' } } }),
      review({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'not-a-token' } }),
      review({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: {} }),
    ]);
    assert.equal(JSON.parse(sar.stdout).status.allowed, true);
    assert.equal(JSON.parse(tr.stdout).kind, 'TokenReview');
    assert.equal(noToken.stderr.trim(), 'Error from server (BadRequest): error when creating "STDIN": token is required for TokenReview in authentication');
  });

  test('real manifests from the Kubernetes website apply and keep their settings', async () => {
    await Promise.all(['website', 'website-web', 'default-mem-example'].map((n) => c.k(['create', 'namespace', n])));
    const files = (...fs: string[]) => fs.flatMap((f) => ['-f', join(WEBSITE, f)]);
    const [site, web, other] = await Promise.all([
      c.k(['-n', 'website', 'apply', ...files('controllers/job.yaml', 'application/job/cronjob.yaml', 'controllers/statefulset.yaml', 'application/basic-daemonset.yaml', 'policy/zookeeper-pod-disruption-budget-minavailable.yaml', 'policy/quota.yaml')]),
      c.k(['-n', 'website-web', 'apply', ...files('application/web/web.yaml')]),
      c.k(['apply', ...files('service/networking/networkpolicy.yaml', 'admin/resource/memory-defaults.yaml')]),
    ]);
    assert.equal(
      site,
      [
        'job.batch/pi created',
        'cronjob.batch/hello created',
        'service/nginx created',
        'statefulset.apps/web created',
        'daemonset.apps/example-daemonset created',
        'poddisruptionbudget.policy/zk-pdb created',
        'resourcequota/pods-high created',
        'resourcequota/pods-medium created',
        'resourcequota/pods-low created',
        '',
      ].join('\n'),
    );
    assert.equal(web, 'service/nginx created\nstatefulset.apps/web created\n');
    assert.equal(other, 'networkpolicy.networking.k8s.io/test-network-policy created\nlimitrange/mem-limit-range created\n');
    const [job, sts, lr] = await Promise.all([
      c.k(['-n', 'website', 'get', 'job', 'pi', '-o', 'jsonpath={.spec.backoffLimit},{.spec.completions},{.spec.template.spec.restartPolicy}']),
      c.k(['-n', 'website', 'get', 'statefulset', 'web', '-o', 'jsonpath={.spec.replicas},{.spec.minReadySeconds},{.spec.volumeClaimTemplates[0].spec.storageClassName},{.spec.volumeClaimTemplates[0].spec.volumeMode}']),
      c.k(['-n', 'default-mem-example', 'get', 'limitrange', 'mem-limit-range', '-o', 'jsonpath={.spec.limits[0].default.memory},{.spec.limits[0].defaultRequest.memory}']),
    ]);
    assert.equal(job, '4,1,Never');
    assert.equal(sts, '3,10,my-storage-class,Filesystem');
    assert.equal(lr, '512Mi,256Mi');
  });
});
