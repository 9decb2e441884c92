// API Priority and Fairness's bootstrap configuration as kube-apiserver v1.33 creates it: the mandatory objects
// (exempt, catch-all) and the suggested ones, each marked for automatic update.
import type { KObject } from '../types.js';

const AUTOUPDATE = { 'apf.kubernetes.io/autoupdate-spec': 'true' };

type Subject = KObject;
const groups = (...names: string[]): Subject[] => names.map((name) => ({ kind: 'Group', group: { name } }));
const users = (...names: string[]): Subject[] => names.map((name) => ({ kind: 'User', user: { name } }));
const kubeSystemAccounts = (...names: string[]): Subject[] => names.map((name) => ({ kind: 'ServiceAccount', serviceAccount: { name, namespace: 'kube-system' } }));
const resourceRule = (verbs: string[], apiGroups: string[], resources: string[], clusterScope: boolean) => ({ verbs, apiGroups, resources, ...(clusterScope ? { clusterScope: true } : {}), namespaces: ['*'] });
const ALL_RESOURCES = [resourceRule(['*'], ['*'], ['*'], true)];
const ALL_NON_RESOURCES = [{ verbs: ['*'], nonResourceURLs: ['*'] }];
const ELECTION_VERBS = ['get', 'create', 'update'];

function plc(name: string, spec: KObject): KObject {
  return { apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'PriorityLevelConfiguration', metadata: { name, annotations: { ...AUTOUPDATE } }, spec };
}

function queued(nominalConcurrencyShares: number, lendablePercent: number, queues: number, handSize: number): KObject {
  return { type: 'Limited', limited: { nominalConcurrencyShares, lendablePercent, limitResponse: { type: 'Queue', queuing: { queues, handSize, queueLengthLimit: 50 } } } };
}

function flowSchema(name: string, level: string, matchingPrecedence: number, distinguisher: string | undefined, rule: KObject): KObject {
  return {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
    kind: 'FlowSchema',
    metadata: { name, annotations: { ...AUTOUPDATE } },
    spec: { priorityLevelConfiguration: { name: level }, matchingPrecedence, ...(distinguisher ? { distinguisherMethod: { type: distinguisher } } : {}), rules: [rule] },
  };
}

/** The priority levels and flow schemas a new cluster gets, levels first (the schemas name them). */
export function bootstrapFlowControl(): { plcs: KObject[]; flowSchemas: KObject[] } {
  const plcs = [
    plc('exempt', { type: 'Exempt', exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } }),
    plc('catch-all', { type: 'Limited', limited: { nominalConcurrencyShares: 5, lendablePercent: 0, limitResponse: { type: 'Reject' } } }),
    plc('system', queued(30, 33, 64, 6)),
    plc('node-high', queued(40, 25, 64, 6)),
    plc('leader-election', queued(10, 0, 16, 4)),
    plc('workload-high', queued(40, 50, 128, 6)),
    plc('workload-low', queued(100, 90, 128, 6)),
    plc('global-default', queued(20, 50, 128, 6)),
  ];
  const everyone = groups('system:unauthenticated', 'system:authenticated');
  const everything = { resourceRules: ALL_RESOURCES, nonResourceRules: ALL_NON_RESOURCES };
  const flowSchemas = [
    flowSchema('exempt', 'exempt', 1, undefined, { subjects: groups('system:masters'), ...everything }),
    flowSchema('catch-all', 'catch-all', 10000, 'ByUser', { subjects: everyone, ...everything }),
    flowSchema('system-nodes', 'system', 500, 'ByUser', { subjects: groups('system:nodes'), ...everything }),
    flowSchema('system-node-high', 'node-high', 400, 'ByUser', {
      subjects: groups('system:nodes'),
      resourceRules: [resourceRule(['*'], [''], ['nodes', 'nodes/status'], true), resourceRule(['*'], ['coordination.k8s.io'], ['leases'], false)],
    }),
    flowSchema('probes', 'exempt', 2, undefined, { subjects: everyone, nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/readyz', '/livez'] }] }),
    flowSchema('system-leader-election', 'leader-election', 100, 'ByUser', {
      subjects: [...users('system:kube-controller-manager', 'system:kube-scheduler'), ...kubeSystemAccounts('*')],
      resourceRules: [resourceRule(ELECTION_VERBS, ['coordination.k8s.io'], ['leases'], false)],
    }),
    flowSchema('workload-leader-election', 'leader-election', 200, 'ByUser', {
      subjects: kubeSystemAccounts('*'),
      resourceRules: [resourceRule(ELECTION_VERBS, [''], ['endpoints', 'configmaps'], false), resourceRule(ELECTION_VERBS, ['coordination.k8s.io'], ['leases'], false)],
    }),
    flowSchema('endpoint-controller', 'workload-high', 150, 'ByUser', {
      subjects: [...users('system:kube-controller-manager'), ...kubeSystemAccounts('endpoint-controller', 'endpointslicemirroring-controller')],
      resourceRules: [resourceRule(ELECTION_VERBS, [''], ['endpoints'], false)],
    }),
    flowSchema('kube-controller-manager', 'workload-high', 800, 'ByNamespace', { subjects: users('system:kube-controller-manager'), ...everything }),
    flowSchema('kube-scheduler', 'workload-high', 800, 'ByNamespace', { subjects: users('system:kube-scheduler'), ...everything }),
    flowSchema('kube-system-service-accounts', 'workload-high', 900, 'ByNamespace', { subjects: kubeSystemAccounts('*'), ...everything }),
    flowSchema('service-accounts', 'workload-low', 9000, 'ByUser', { subjects: groups('system:serviceaccounts'), ...everything }),
    flowSchema('global-default', 'global-default', 9900, 'ByUser', { subjects: everyone, ...everything }),
  ];
  return { plcs, flowSchemas };
}
