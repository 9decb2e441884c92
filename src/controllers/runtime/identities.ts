// Who each in-process controller is to the API server, as kube-controller-manager with
// --use-service-account-credentials (kubeadm's default) and kube-scheduler run them.

/**
 * - `serviceAccount`: kube-controller-manager's client builder gets (or creates) kube-system/<name> and the
 *   controller's own requests run as it, authorized by system:controller:<name>; its informers are the
 *   shared ones, which list and watch as system:kube-controller-manager.
 * - `controllerManager`: kube-controller-manager's own credentials (the root client builder), as upstream
 *   runs the serviceaccount-token controller, which must work before any service account has a token.
 * - `user`: another component with its own credentials and informers (kube-scheduler).
 * - `privileged`: simulated node agents (kubelet); minikapi has no Node authorizer, so they stay in system:masters.
 */
export type ControllerIdentity =
  | { kind: 'serviceAccount'; name: string }
  | { kind: 'controllerManager'; name: string }
  | { kind: 'user'; username: string; groups: string[]; program: string; name: string }
  | { kind: 'privileged'; username: string; program: string; name: string };

export const KUBE_CONTROLLER_MANAGER_USER = 'system:kube-controller-manager';
export const KUBE_SCHEDULER_USER = 'system:kube-scheduler';
/** The namespace kube-controller-manager's client builder keeps its service accounts in. */
export const CONTROLLER_SA_NAMESPACE = 'kube-system';

const sa = (name: string): ControllerIdentity => ({ kind: 'serviceAccount', name });
const kubelet = (name: string): ControllerIdentity => ({ kind: 'privileged', username: 'system:node-simulator', program: 'kubelet', name });

/**
 * Controller name (as in --controllers) → identity. The service-account names are the ones upstream's
 * controller descriptors pass to ClientBuilder.ClientOrDie, each bound to system:controller:<name>.
 */
export const CONTROLLER_IDENTITIES: Record<string, ControllerIdentity> = {
  attachdetach: sa('attachdetach-controller'),
  'clusterrole-aggregation': sa('clusterrole-aggregation-controller'),
  cronjob: sa('cronjob-controller'),
  csrapproving: sa('certificate-controller'),
  csrcleaner: sa('certificate-controller'),
  csrsigning: sa('certificate-controller'),
  daemonset: sa('daemon-set-controller'),
  deployment: sa('deployment-controller'),
  disruption: sa('disruption-controller'),
  endpoints: sa('endpoint-controller'),
  endpointslice: sa('endpointslice-controller'),
  'endpointslice-mirroring': sa('endpointslicemirroring-controller'),
  'ephemeral-volume': sa('ephemeral-volume-controller'),
  garbagecollector: sa('generic-garbage-collector'),
  horizontalpodautoscaling: sa('horizontal-pod-autoscaler'),
  job: sa('job-controller'),
  namespace: sa('namespace-controller'),
  'node-lifecycle': sa('node-controller'),
  nodelifecycle: sa('node-controller'),
  'persistentvolume-binder': sa('persistent-volume-binder'),
  'persistentvolume-expander': sa('expand-controller'),
  'pod-garbage-collector': sa('pod-garbage-collector'),
  podgc: sa('pod-garbage-collector'),
  'pv-protection': sa('pv-protection-controller'),
  'pvc-protection': sa('pvc-protection-controller'),
  replicaset: sa('replicaset-controller'),
  replicationcontroller: sa('replication-controller'),
  resourcequota: sa('resourcequota-controller'),
  'root-ca-cert-publisher': sa('root-ca-cert-publisher'),
  serviceaccount: sa('service-account-controller'),
  'serviceaccount-token': { kind: 'controllerManager', name: 'tokens-controller' },
  statefulset: sa('statefulset-controller'),
  // upstream: "taint-manager uses existing cluster role from node-controller"
  'taint-eviction': sa('node-controller'),
  'taint-eviction-controller': sa('node-controller'),
  ttl: sa('ttl-controller'),
  'ttl-after-finished': sa('ttl-after-finished-controller'),
  'validatingadmissionpolicy-status-controller': sa('validatingadmissionpolicy-status-controller'),
  'default-scheduler': { kind: 'user', username: KUBE_SCHEDULER_USER, groups: ['system:authenticated'], program: 'kube-scheduler', name: 'scheduler' },
  'node-simulator': kubelet('node-status'),
  'kubelet-simulator': kubelet('pod-lifecycle'),
  'pod-termination': kubelet('pod-termination'),
};

export function controllerIdentity(controller: string): ControllerIdentity | undefined {
  return Object.hasOwn(CONTROLLER_IDENTITIES, controller) ? CONTROLLER_IDENTITIES[controller] : undefined;
}

/** What the API server sees as the user of a service account. */
export function serviceAccountUser(name: string, uid: string, namespace = CONTROLLER_SA_NAMESPACE): { username: string; uid: string; groups: string[] } {
  return { username: `system:serviceaccount:${namespace}:${name}`, uid, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'] };
}
