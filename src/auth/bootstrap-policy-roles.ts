// The cluster roles kube-apiserver v1.33 reconciles at start (bootstrappolicy.ClusterRoles with default feature
// gates), rules sorted as upstream's rule builder leaves them.
import type { PolicyRule } from './types.js';

const split = (s: string) => s.split(',');

/** A resource rule: comma-separated verbs, groups ('' is the core group), resources, and resource names. */
export function r(verbs: string, groups: string, resources: string, names?: string): PolicyRule {
  const rule: PolicyRule = { verbs: split(verbs), apiGroups: split(groups), resources: split(resources) };
  if (names) rule.resourceNames = split(names);
  return rule;
}

/** A non-resource rule. */
export function u(verbs: string, urls: string): PolicyRule {
  return { verbs: split(verbs), nonResourceURLs: split(urls) };
}

export const READ = 'get,list,watch';
const WRITE = 'create,delete,deletecollection,patch,update';
const ALL_VERBS = 'create,delete,deletecollection,get,list,patch,update,watch';
/** Every controller and component records events through both groups. */
export const EVENTS = r('create,patch,update', ',events.k8s.io', 'events');

export interface BootstrapClusterRole {
  name: string;
  rules?: PolicyRule[];
  /** The aggregate-to-* label value the role aggregates. */
  aggregates?: 'admin' | 'edit' | 'view';
  /** The aggregate-to-* label the role carries. */
  aggregateTo?: 'admin' | 'edit' | 'view';
}

const TOKEN_AND_SAR = [r('create', 'authentication.k8s.io', 'tokenreviews'), r('create', 'authorization.k8s.io', 'subjectaccessreviews')];

export const CLUSTER_ROLES: BootstrapClusterRole[] = [
  { name: 'admin', aggregates: 'admin' },
  { name: 'cluster-admin', rules: [r('*', '*', '*'), u('*', '*')] },
  { name: 'edit', aggregates: 'edit', aggregateTo: 'admin' },
  {
    name: 'system:aggregate-to-admin',
    aggregateTo: 'admin',
    rules: [r('create', 'authorization.k8s.io', 'localsubjectaccessreviews'), r(ALL_VERBS, 'rbac.authorization.k8s.io', 'rolebindings,roles')],
  },
  {
    name: 'system:aggregate-to-edit',
    aggregateTo: 'edit',
    rules: [
      r(READ, '', 'pods/attach,pods/exec,pods/portforward,pods/proxy,secrets,services/proxy'),
      r('impersonate', '', 'serviceaccounts'),
      r(WRITE, '', 'pods,pods/attach,pods/exec,pods/portforward,pods/proxy'),
      r('create', '', 'pods/eviction'),
      r(WRITE, '', 'configmaps,events,persistentvolumeclaims,replicationcontrollers,replicationcontrollers/scale,secrets,serviceaccounts,services,services/proxy'),
      r('create', '', 'serviceaccounts/token'),
      r(WRITE, 'apps', 'daemonsets,deployments,deployments/rollback,deployments/scale,replicasets,replicasets/scale,statefulsets,statefulsets/scale'),
      r(WRITE, 'autoscaling', 'horizontalpodautoscalers'),
      r(WRITE, 'batch', 'cronjobs,jobs'),
      r(WRITE, 'extensions', 'daemonsets,deployments,deployments/rollback,deployments/scale,ingresses,networkpolicies,replicasets,replicasets/scale,replicationcontrollers/scale'),
      r(WRITE, 'policy', 'poddisruptionbudgets'),
      r(WRITE, 'networking.k8s.io', 'ingresses,networkpolicies'),
      r(ALL_VERBS, 'coordination.k8s.io', 'leases'),
    ],
  },
  {
    name: 'system:aggregate-to-view',
    aggregateTo: 'view',
    rules: [
      r(READ, '', 'configmaps,endpoints,persistentvolumeclaims,persistentvolumeclaims/status,pods,replicationcontrollers,replicationcontrollers/scale,serviceaccounts,services,services/status'),
      r(READ, '', 'bindings,events,limitranges,namespaces/status,pods/log,pods/status,replicationcontrollers/status,resourcequotas,resourcequotas/status'),
      r(READ, '', 'namespaces'),
      r(READ, 'discovery.k8s.io', 'endpointslices'),
      r(READ, 'apps', 'controllerrevisions,daemonsets,daemonsets/status,deployments,deployments/scale,deployments/status,replicasets,replicasets/scale,replicasets/status,statefulsets,statefulsets/scale,statefulsets/status'),
      r(READ, 'autoscaling', 'horizontalpodautoscalers,horizontalpodautoscalers/status'),
      r(READ, 'batch', 'cronjobs,cronjobs/status,jobs,jobs/status'),
      r(READ, 'extensions', 'daemonsets,daemonsets/status,deployments,deployments/scale,deployments/status,ingresses,ingresses/status,networkpolicies,replicasets,replicasets/scale,replicasets/status,replicationcontrollers/scale'),
      r(READ, 'policy', 'poddisruptionbudgets,poddisruptionbudgets/status'),
      r(READ, 'networking.k8s.io', 'ingresses,ingresses/status,networkpolicies'),
    ],
  },
  { name: 'system:auth-delegator', rules: TOKEN_AND_SAR },
  {
    name: 'system:basic-user',
    rules: [r('create', 'authorization.k8s.io', 'selfsubjectaccessreviews,selfsubjectrulesreviews'), r('create', 'authentication.k8s.io', 'selfsubjectreviews')],
  },
  { name: 'system:certificates.k8s.io:certificatesigningrequests:nodeclient', rules: [r('create', 'certificates.k8s.io', 'certificatesigningrequests/nodeclient')] },
  { name: 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', rules: [r('create', 'certificates.k8s.io', 'certificatesigningrequests/selfnodeclient')] },
  ...['kube-apiserver-client', 'kube-apiserver-client-kubelet', 'kubelet-serving', 'legacy-unknown'].map((s) => ({
    name: `system:certificates.k8s.io:${s}-approver`,
    rules: [r('approve', 'certificates.k8s.io', 'signers', `kubernetes.io/${s}`)],
  })),
  { name: 'system:discovery', rules: [u('get', '/api,/api/*,/apis,/apis/*,/healthz,/livez,/openapi,/openapi/*,/readyz,/version,/version/')] },
  { name: 'system:heapster', rules: [r(READ, '', 'events,namespaces,nodes,pods'), r(READ, 'extensions', 'deployments')] },
  { name: 'system:kube-aggregator', rules: [r(READ, '', 'endpoints,services')] },
  {
    name: 'system:kube-controller-manager',
    rules: [
      EVENTS,
      r('create', 'coordination.k8s.io', 'leases'),
      r('get,update', 'coordination.k8s.io', 'leases', 'kube-controller-manager'),
      r('create', '', 'secrets,serviceaccounts'),
      r('delete', '', 'secrets'),
      r('get', '', 'configmaps,namespaces,secrets,serviceaccounts'),
      r('update', '', 'secrets,serviceaccounts'),
      ...TOKEN_AND_SAR,
      r('list,watch', '*', '*'),
      r('create', '', 'serviceaccounts/token'),
    ],
  },
  { name: 'system:kube-dns', rules: [r('list,watch', '', 'endpoints,services')] },
  {
    name: 'system:kube-scheduler',
    rules: [
      EVENTS,
      r('create', 'coordination.k8s.io', 'leases'),
      r('get,update', 'coordination.k8s.io', 'leases', 'kube-scheduler'),
      r(READ, '', 'nodes'),
      r('delete,get,list,watch', '', 'pods'),
      r('create', '', 'bindings,pods/binding'),
      r('patch,update', '', 'pods/status'),
      r(READ, '', 'replicationcontrollers,services'),
      r(READ, 'apps,extensions', 'replicasets'),
      r(READ, 'apps', 'statefulsets'),
      r(READ, 'policy', 'poddisruptionbudgets'),
      r(READ, '', 'persistentvolumeclaims,persistentvolumes'),
      ...TOKEN_AND_SAR,
      r(READ, 'storage.k8s.io', 'csinodes'),
      r(READ, '', 'namespaces'),
      r(READ, 'storage.k8s.io', 'csidrivers'),
      r(READ, 'storage.k8s.io', 'csistoragecapacities'),
    ],
  },
  { name: 'system:kubelet-api-admin', rules: [r(READ, '', 'nodes'), r('proxy', '', 'nodes'), r('*', '', 'nodes/log,nodes/metrics,nodes/proxy,nodes/stats')] },
  { name: 'system:monitoring', rules: [u('get', '/healthz,/healthz/*,/livez,/livez/*,/metrics,/metrics/slis,/readyz,/readyz/*')] },
  {
    name: 'system:node',
    rules: [
      r('create', 'authentication.k8s.io', 'tokenreviews'),
      r('create', 'authorization.k8s.io', 'localsubjectaccessreviews,subjectaccessreviews'),
      r(READ, '', 'services'),
      r('create,get,list,watch', '', 'nodes'),
      r('patch,update', '', 'nodes/status'),
      r('patch,update', '', 'nodes'),
      r('create,patch,update', '', 'events'),
      r(READ, '', 'pods'),
      r('create,delete', '', 'pods'),
      r('patch,update', '', 'pods/status'),
      r('create', '', 'pods/eviction'),
      r(READ, '', 'configmaps,secrets'),
      r('get', '', 'persistentvolumeclaims,persistentvolumes'),
      r('get', '', 'endpoints'),
      r('create,get,list,watch', 'certificates.k8s.io', 'certificatesigningrequests'),
      r('create,delete,get,patch,update', 'coordination.k8s.io', 'leases'),
      r('get', 'storage.k8s.io', 'volumeattachments'),
      r('create', '', 'serviceaccounts/token'),
      r('get,patch,update', '', 'persistentvolumeclaims/status'),
      r(READ, 'storage.k8s.io', 'csidrivers'),
      r('create,delete,get,patch,update', 'storage.k8s.io', 'csinodes'),
      r(READ, 'node.k8s.io', 'runtimeclasses'),
    ],
  },
  { name: 'system:node-bootstrapper', rules: [r('create,get,list,watch', 'certificates.k8s.io', 'certificatesigningrequests')] },
  { name: 'system:node-problem-detector', rules: [r('get', '', 'nodes'), r('patch', '', 'nodes/status'), EVENTS] },
  { name: 'system:node-proxier', rules: [r('list,watch', '', 'endpoints,services'), r(READ, '', 'nodes'), EVENTS, r('list,watch', 'discovery.k8s.io', 'endpointslices')] },
  {
    name: 'system:persistent-volume-provisioner',
    rules: [r('create,delete,get,list,watch', '', 'persistentvolumes'), r('get,list,update,watch', '', 'persistentvolumeclaims'), r(READ, 'storage.k8s.io', 'storageclasses'), r('watch', '', 'events'), EVENTS],
  },
  { name: 'system:public-info-viewer', rules: [u('get', '/healthz,/livez,/readyz,/version,/version/')] },
  { name: 'system:service-account-issuer-discovery', rules: [u('get', '/.well-known/openid-configuration,/openid/v1/jwks')] },
  { name: 'system:volume-scheduler', rules: [r('get,list,patch,update,watch', '', 'persistentvolumes'), r(READ, 'storage.k8s.io', 'storageclasses'), r('get,list,patch,update,watch', '', 'persistentvolumeclaims')] },
  { name: 'view', aggregates: 'view', aggregateTo: 'edit' },
];

/** Cluster role bindings as upstream's ClusterRoleBindings(): name (= role), subjects as kind:name (kind:namespace:name for service accounts). */
export const CLUSTER_ROLE_BINDINGS: [string, string[]][] = [
  ['cluster-admin', ['Group:system:masters']],
  ['system:basic-user', ['Group:system:authenticated']],
  ['system:discovery', ['Group:system:authenticated']],
  ['system:kube-controller-manager', ['User:system:kube-controller-manager']],
  ['system:kube-dns', ['ServiceAccount:kube-system:kube-dns']],
  ['system:kube-scheduler', ['User:system:kube-scheduler']],
  ['system:monitoring', ['Group:system:monitoring']],
  ['system:node', []],
  ['system:node-proxier', ['User:system:kube-proxy']],
  ['system:public-info-viewer', ['Group:system:authenticated', 'Group:system:unauthenticated']],
  ['system:service-account-issuer-discovery', ['Group:system:serviceaccounts']],
  ['system:volume-scheduler', ['User:system:kube-scheduler']],
];
